/**
 * Splits items into consecutive groups whose sizes (bytes, chunks, …) add up to at most `budget`; an item larger
 * than the budget forms a group of its own. No group is empty.
 */
export function inSizeBudget<Item>(items: readonly Item[], sizeOf: (item: Item) => number, budget: number): Item[][] {
  const groups: Item[][] = [];
  let group: Item[] = [];
  let groupSize = 0;
  for (const item of items) {
    const size = sizeOf(item);
    if (group.length > 0 && groupSize + size > budget) {
      groups.push(group);
      group = [];
      groupSize = 0;
    }
    group.push(item);
    groupSize += size;
  }
  if (group.length > 0) groups.push(group);
  return groups;
}
