/**
 * CRC-32 of a concatenation without reading the bytes again (zlib's crc32_combine, which Node does
 * not expose): crc(A + B) = shift_len(B)(crc(A)) XOR crc(B), and the shift is a linear map over
 * GF(2), built once per length as 32 columns, then applied per copy in 32 steps.
 */
function times(matrix: Uint32Array, vector: number): number {
  let sum = 0;
  for (let i = 0; vector !== 0; i++, vector >>>= 1) if (vector & 1) sum ^= matrix[i];
  return sum >>> 0;
}

function square(target: Uint32Array, matrix: Uint32Array): void {
  for (let n = 0; n < 32; n++) target[n] = times(matrix, matrix[n]);
}

/** The CRC register after `length` zero bytes, as zlib's crc32_combine computes it (crc2 = 0). */
function shiftSlow(crc: number, length: number): number {
  if (length <= 0) return crc >>> 0;
  const even = new Uint32Array(32);
  const odd = new Uint32Array(32);
  odd[0] = 0xedb88320;
  for (let n = 1, row = 1; n < 32; n++, row <<= 1) odd[n] = row;
  square(even, odd);
  square(odd, even);
  let result = crc >>> 0;
  for (let left = length; left > 0; ) {
    square(even, odd);
    if (left % 2 === 1) result = times(even, result);
    left = Math.floor(left / 2);
    if (left === 0) break;
    square(odd, even);
    if (left % 2 === 1) result = times(odd, result);
    left = Math.floor(left / 2);
  }
  return result;
}

/** `combine(crcA)` is the CRC-32 of A followed by a part of `length` bytes whose own CRC-32 is `crc`. */
export function crc32Appender(crc: number, length: number): (crcA: number) => number {
  const matrix = new Uint32Array(32);
  for (let bit = 0; bit < 32; bit++) matrix[bit] = shiftSlow((1 << bit) >>> 0, length);
  return (crcA) => (times(matrix, crcA >>> 0) ^ crc) >>> 0;
}
