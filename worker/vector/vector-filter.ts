import { platformLimits } from "../lib/platform-limits";
import type { VectorMetadata } from "./vector-index";
import { isMetadataValue, jsonByteLength, type MetadataValue } from "./vector-record-validation";

/** Whether a vector, by its metadata, passes a filter. */
export type MetadataPredicate = (metadata: VectorMetadata | undefined) => boolean;

const { filterBytes: maxFilterBytes, filterKeyLength: maxFilterKeyLength } = platformLimits.vectorize;

/**
 * Turns a Vectorize metadata filter into a predicate, rejecting what Vectorize rejects: each property's conditions
 * ($eq by default, $ne, $in, $nin) must all hold. A vector without the property never equals anything, so it
 * passes $ne and $nin. No filter accepts every vector.
 */
export function compileFilter(filter: unknown): MetadataPredicate {
  if (filter === undefined) return () => true;
  if (typeof filter !== "object" || filter === null || Array.isArray(filter) || Object.keys(filter).length === 0) {
    throw new Error("filter must be a non-empty object");
  }
  const filterBytes = jsonByteLength(filter);
  if (filterBytes >= maxFilterBytes) {
    throw new Error(`filter must be under ${maxFilterBytes} bytes as JSON, got ${filterBytes}`);
  }

  const predicates: MetadataPredicate[] = [];
  for (const [key, condition] of Object.entries(filter)) {
    if (key.length === 0 || key.length > maxFilterKeyLength || key.startsWith("$") || /[".]/.test(key)) {
      throw new Error(
        `filter key ${JSON.stringify(key)} is invalid: keys are 1-${maxFilterKeyLength} characters, without " or ., not starting with $`,
      );
    }
    const read = (metadata: VectorMetadata | undefined) =>
      metadata !== undefined && Object.hasOwn(metadata, key) ? metadata[key] : undefined;
    if (isMetadataValue(condition)) {
      predicates.push((metadata) => read(metadata) === condition);
      continue;
    }
    if (
      typeof condition !== "object" ||
      condition === null ||
      Array.isArray(condition) ||
      Object.keys(condition).length === 0
    ) {
      throw new Error(`filter on "${key}" must be a value or an object of operators ($eq, $ne, $in, $nin)`);
    }
    for (const [operator, operand] of Object.entries(condition)) {
      predicates.push(compileCondition(key, operator, operand, read));
    }
  }
  return (metadata) => predicates.every((predicate) => predicate(metadata));
}

function compileCondition(
  key: string,
  operator: string,
  operand: unknown,
  read: (metadata: VectorMetadata | undefined) => MetadataValue | undefined,
): MetadataPredicate {
  switch (operator) {
    case "$eq":
    case "$ne": {
      if (!isMetadataValue(operand)) {
        throw new Error(`filter ${operator} on "${key}" needs a string, number or boolean`);
      }
      return operator === "$eq" ? (metadata) => read(metadata) === operand : (metadata) => read(metadata) !== operand;
    }
    case "$in":
    case "$nin": {
      if (!Array.isArray(operand) || !operand.every(isMetadataValue)) {
        throw new Error(`filter ${operator} on "${key}" needs an array of strings, numbers or booleans`);
      }
      const set = new Set<unknown>(operand);
      return operator === "$in" ? (metadata) => set.has(read(metadata)) : (metadata) => !set.has(read(metadata));
    }
    default:
      throw new Error(
        `filter operator ${JSON.stringify(operator)} on "${key}" is not supported; use $eq, $ne, $in or $nin`,
      );
  }
}
