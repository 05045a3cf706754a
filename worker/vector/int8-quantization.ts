/** The largest magnitude of an int8 code: codes run from -127 to 127, symmetric around zero. */
const maxCode = 127;

/**
 * Writes `values`, scaled to unit length, into `codes` from `offset` as whole steps of the returned size, so that
 * `values[i] / |values| ≈ step × codes[offset + i]`, off by at most half a step. The largest component gets ±127, so
 * the step is `max|values[i]| / |values| / 127`. A zero vector gets zero codes and a zero step.
 */
export function quantizeUnitVector(values: Float32Array, codes: Int8Array, offset: number): number {
  let largest = 0;
  for (let index = 0; index < values.length; index += 1) largest = Math.max(largest, Math.abs(values[index] ?? 0));
  if (largest === 0) {
    codes.fill(0, offset, offset + values.length);
    return 0;
  }
  // Summing the squares of values relative to the largest cannot overflow, whatever their size.
  let relativeSquares = 0;
  for (let index = 0; index < values.length; index += 1) relativeSquares += ((values[index] ?? 0) / largest) ** 2;
  const codeScale = maxCode / largest;
  for (let index = 0; index < values.length; index += 1) {
    codes[offset + index] = Math.round((values[index] ?? 0) * codeScale);
  }
  return 1 / (maxCode * Math.sqrt(relativeSquares));
}
