import { describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { crc32 } from 'node:zlib';
import { crc32Appender } from './crc32-shift.js';

describe('CRC-32 of a concatenation', () => {
  it.each([
    [0, 0],
    [1, 1],
    [10, 1000],
    [7, 123_457],
    [1000, 5],
  ])('equals the CRC of the joined bytes (%i + %i bytes)', (left, right) => {
    const a = randomBytes(left);
    const b = randomBytes(right);
    expect(crc32Appender(crc32(b), right)(crc32(a))).toBe(crc32(Buffer.concat([a, b])));
  });
});
