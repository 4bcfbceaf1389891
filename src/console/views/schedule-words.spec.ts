import { describe, expect, it } from '@jest/globals';
import { cronOf, presetOf, scheduleInWords } from './schedule-words.js';
import { CONSOLE_TEXTS } from './console-texts.js';

describe('a list schedule in words', () => {
  it('says a monthly, weekly or daily cron the way coordinators say it, in Danish and English', () => {
    expect(scheduleInWords('0 7 1 * *', CONSOLE_TEXTS.da)).toBe('den 1. i hver måned kl. 7');
    expect(scheduleInWords('0 7 1 * *', CONSOLE_TEXTS.en)).toBe('on day 1 of every month at 7:00');
    expect(scheduleInWords('0 18 * * 1', CONSOLE_TEXTS.da)).toBe('hver mandag kl. 18');
    expect(scheduleInWords('0 6 * * *', CONSOLE_TEXTS.da)).toBe('hver dag kl. 6');
    expect(scheduleInWords(null, CONSOLE_TEXTS.da)).toBe('Kun manuelt');
  });

  it('keeps any other cron expression as it is', () => {
    expect(presetOf('*/15 * * * *')).toEqual({ kind: 'cron', cron: '*/15 * * * *' });
    expect(scheduleInWords('30 7 1 * *', CONSOLE_TEXTS.da)).toBe('efter cron-udtrykket 30 7 1 * *');
    // Day 31 is not a preset: it silently skips short months.
    expect(presetOf('0 7 31 * *').kind).toBe('cron');
  });

  it('turns each preset into cron and back', () => {
    const presets = [{ kind: 'monthly', day: 28, hour: 23 }, { kind: 'weekly', weekday: 0, hour: 0 }, { kind: 'daily', hour: 12 }] as const;
    for (const p of presets) {
      expect(presetOf(cronOf(p))).toEqual(p);
    }
    expect(cronOf({ kind: 'manual' })).toBeNull();
  });
});
