import { describe, expect, it } from '@jest/globals';
import { parseReportTime } from './processing-report.service.js';

const tz = 'Europe/Copenhagen';
const iso = (v: Date | unknown) => (v instanceof Date ? v.toISOString() : v);

describe('parseReportTime', () => {
  it('reads a day or a month as midnight in the time zone, in winter and in summer', () => {
    expect(iso(parseReportTime('2025-01-01', 'from', tz))).toBe('2024-12-31T23:00:00.000Z');
    expect(iso(parseReportTime('2025-07', 'from', tz))).toBe('2025-06-30T22:00:00.000Z');
    expect(iso(parseReportTime('2025-03-30', 'from', tz))).toBe('2025-03-29T23:00:00.000Z');
  });

  it('takes an instant with its offset as it is', () => {
    expect(iso(parseReportTime('2025-05-01T12:00:00+02:00', 'to', tz))).toBe('2025-05-01T10:00:00.000Z');
  });

  it.each(['2025-13-01', '2025-02-30', '1.5.2025', '2025-05-01T12:00', ''])('names the field for %j', (value) => {
    expect(parseReportTime(value, 'to', tz)).toEqual(expect.objectContaining({ field: 'to', code: 'INVALID_DATE' }));
  });
});
