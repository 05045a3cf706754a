/**
 * Splits items into consecutive groups of at most `size` (one group per call a platform limit allows, see
 * `platformLimits`); no group is empty.
 */
export function inGroups<Item>(items: readonly Item[], size: number): Item[][] {
  if (!(Number.isInteger(size) && size >= 1))
    throw new RangeError(`group size must be a positive integer, got ${size}`);
  const groups: Item[][] = [];
  for (let start = 0; start < items.length; start += size) groups.push(items.slice(start, start + size));
  return groups;
}
