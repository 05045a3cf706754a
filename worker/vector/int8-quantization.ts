/** The largest magnitude of an int8 code: codes run from -127 to 127, symmetric around zero. */
const maxCode = 127;

/** A vector as the index holds and stores it: the int8 codes of its unit vector and the step they are in. */
export interface QuantizedVector {
  codes: Int8Array;
  step: number;
}

/**
 * `values`, scaled to unit length, as whole steps: `values[i] / |values| ≈ step × codes[i]`, off by at most half a
 * step. The largest component gets ±127, so the step is `max|values[i]| / |values| / 127`. A zero vector gets zero
 * codes and a zero step.
 */
export function quantizeVector(values: Float32Array): QuantizedVector {
  const codes = new Int8Array(values.length);
  let largest = 0;
  for (let index = 0; index < values.length; index += 1) largest = Math.max(largest, Math.abs(values[index] ?? 0));
  if (largest === 0) return { codes, step: 0 };
  // Summing the squares of values relative to the largest cannot overflow, whatever their size.
  let relativeSquares = 0;
  for (let index = 0; index < values.length; index += 1) relativeSquares += ((values[index] ?? 0) / largest) ** 2;
  const codeScale = maxCode / largest;
  for (let index = 0; index < values.length; index += 1) codes[index] = Math.round((values[index] ?? 0) * codeScale);
  return { codes, step: 1 / (maxCode * Math.sqrt(relativeSquares)) };
}
