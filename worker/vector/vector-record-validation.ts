import { platformLimits } from "../lib/platform-limits";
import type { VectorMetadata, VectorRecord } from "./vector-index";

/** One metadata property's value: a string, a finite number or a boolean. */
export type MetadataValue = VectorMetadata[string];

/** A vector record checked against Vectorize's limits, its values as 32-bit floats. */
export interface ValidatedRecord {
  id: string;
  values: Float32Array;
  metadata: VectorMetadata | undefined;
}

const { idBytes, dimensions: maxDimensions, metadataBytes: maxMetadataBytes } = platformLimits.vectorize;

const utf8 = new TextEncoder();

/**
 * Checks one vector of an upsert (the `index`-th) as Vectorize would: its id, its values (of `dimensions`, once
 * the index has one) and its metadata. Throws a message that names the vector.
 */
export function validateRecord(vector: VectorRecord, index: number, dimensions: number | null): ValidatedRecord {
  if (typeof vector !== "object" || vector === null) throw new Error(`vector ${index} is not an object`);
  const id = validateId(vector.id);
  const values = toFloat32Values(vector.values, `vector "${id}"`);
  if (dimensions !== null && values.length !== dimensions) {
    throw new Error(`vector "${id}" has ${values.length} dimensions; this index has ${dimensions}`);
  }
  if (vector.metadata === undefined) return { id, values, metadata: undefined };
  const metadata = toMetadata(vector.metadata, id);
  const metadataBytes = jsonByteLength(metadata);
  if (metadataBytes > maxMetadataBytes) {
    throw new Error(`vector "${id}" has ${metadataBytes} bytes of metadata; at most ${maxMetadataBytes} are allowed`);
  }
  return { id, values, metadata };
}

/** Checks a list of vector ids (for reads and deletes). */
export function validateIds(ids: unknown): string[] {
  if (!Array.isArray(ids)) throw new Error("expected an array of vector ids");
  return ids.map(validateId);
}

function validateId(id: unknown): string {
  if (typeof id !== "string" || id.length === 0) {
    throw new Error(`vector id must be a non-empty string, got ${JSON.stringify(id)}`);
  }
  const bytes = utf8.encode(id).length;
  if (bytes > idBytes) {
    throw new Error(`vector id "${id}" is ${bytes} bytes; ids are limited to ${idBytes} bytes`);
  }
  return id;
}

/** A vector's values as 32-bit floats; `what` names the vector in the error. */
export function toFloat32Values(values: unknown, what: string): Float32Array {
  if (!Array.isArray(values) && !(values instanceof Float32Array) && !(values instanceof Float64Array)) {
    throw new Error(`${what} must be an array of numbers`);
  }
  if (values.length === 0 || values.length > maxDimensions) {
    throw new Error(`${what} has ${values.length} dimensions; 1 to ${maxDimensions} are supported`);
  }
  const result = new Float32Array(values.length);
  for (let index = 0; index < values.length; index += 1) {
    const value: unknown = values[index];
    if (typeof value !== "number" || !Number.isFinite(value)) {
      throw new Error(`${what} has a non-finite value at position ${index}`);
    }
    result[index] = value;
  }
  return result;
}

/** Checks that metadata is a flat object of scalar values. */
export function toMetadata(value: unknown, id: string): VectorMetadata {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new Error(`metadata of vector "${id}" must be an object`);
  }
  const metadata: VectorMetadata = {};
  for (const [key, entry] of Object.entries(value)) {
    if (!isMetadataValue(entry)) {
      throw new Error(`metadata "${key}" of vector "${id}" must be a string, a finite number or a boolean`);
    }
    metadata[key] = entry;
  }
  return metadata;
}

/** Bytes of a value as UTF-8 JSON, the unit of Vectorize's metadata and filter limits. */
export function jsonByteLength(value: unknown): number {
  return utf8.encode(JSON.stringify(value)).length;
}

export function isMetadataValue(value: unknown): value is MetadataValue {
  return (
    typeof value === "string" || typeof value === "boolean" || (typeof value === "number" && Number.isFinite(value))
  );
}
