import { describe, expect, it } from '@jest/globals';
import { cronProblem, latestSlot } from './cron-schedule.js';

describe('latestSlot', () => {
  it('finds the most recent slot in the list time zone', () => {
    // 07:00 Copenhagen on 1 Nov 2026 is 06:00 UTC (winter time).
    const slot = latestSlot('0 7 1 * *', 'Europe/Copenhagen', new Date('2026-11-10T12:00:00Z'), new Date('2026-10-01T00:00:00Z'));
    expect(slot?.toISOString()).toBe('2026-11-01T06:00:00.000Z');
  });

  it('gives the same slot to every caller in the same minute', () => {
    const a = latestSlot('*/15 * * * *', 'Europe/Copenhagen', new Date('2026-11-22T10:07:10Z'), new Date(0));
    const b = latestSlot('*/15 * * * *', 'Europe/Copenhagen', new Date('2026-11-22T10:14:59Z'), new Date(0));
    expect(a?.toISOString()).toBe('2026-11-22T10:00:00.000Z');
    expect(b).toEqual(a);
  });

  it('has no slot before the list existed', () => {
    expect(latestSlot('0 7 * * *', 'UTC', new Date('2026-11-22T08:00:00Z'), new Date('2026-11-22T07:30:00Z'))).toBeUndefined();
  });
});

describe('cronProblem', () => {
  it('accepts a monthly schedule and refuses nonsense', () => {
    expect(cronProblem('0 7 1 * *', 'Europe/Copenhagen')).toBeUndefined();
    expect(cronProblem('every day', 'Europe/Copenhagen')).toMatch(/cron/);
    expect(cronProblem('99 7 1 * *', 'Europe/Copenhagen')).toMatch(/not a valid/);
  });
});
