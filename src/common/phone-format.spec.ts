import { describe, expect, it } from '@jest/globals';
import { formatPhone } from './phone-format.js';

describe('phone numbers as people write them', () => {
  it.each([
    ['+4599944278', '99 94 42 78'],
    ['+4520123456', '20 12 34 56'],
    ['+46812345678', '+46 8 123 456 78'],
    ['+4722123456', '+47 22 12 34 56'],
    ['+442079460958', '+44 20 7946 0958'],
  ])('shows %s as %s', (stored, shown) => {
    expect(formatPhone(stored)).toBe(shown);
  });

  it('shows a value that is not a valid E.164 number as it is stored', () => {
    for (const stored of ['0045 12 34 56 78', '+45123', 'ring efter kl. 16', '']) expect(formatPhone(stored)).toBe(stored);
  });
});
