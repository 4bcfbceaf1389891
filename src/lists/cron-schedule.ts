import { CronTime } from 'cron';

/** Whether a cron expression (5 or 6 fields) is valid in the given time zone. */
export function cronProblem(expression: string, timeZone: string): string | undefined {
  if (expression.trim().split(/\s+/).length < 5) return 'schedule must be a cron expression with 5 fields, e.g. "0 7 1 * *"';
  try {
    new CronTime(expression, timeZone);
    return undefined;
  } catch {
    return 'schedule is not a valid cron expression';
  }
}

/**
 * The newest slot of the schedule at or before `now`, if it is later than `notBefore`. Several
 * instances compute the same slot for the same moment, which is what makes (list, slot) unique.
 */
export function latestSlot(expression: string, timeZone: string, now: Date, notBefore: Date): Date | undefined {
  const cron = new CronTime(expression, timeZone);
  // Look back in growing windows, so a frequent schedule takes few steps and a monthly slot that
  // was missed while the service was down is still found.
  for (const windowMs of LOOKBACK_WINDOWS_MS) {
    const from = new Date(Math.max(notBefore.getTime(), now.getTime() - windowMs));
    let cursor = cron.getNextDateFrom(from, timeZone).toJSDate();
    let latest: Date | undefined;
    for (let i = 0; i < 5000 && cursor <= now; i++) {
      latest = cursor;
      cursor = cron.getNextDateFrom(cursor, timeZone).toJSDate();
    }
    if (latest) return latest > notBefore ? latest : undefined;
    if (from.getTime() === notBefore.getTime()) return undefined;
  }
  return undefined;
}

const HOUR = 3600_000;
const LOOKBACK_WINDOWS_MS = [HOUR, 24 * HOUR, 35 * 24 * HOUR, 400 * 24 * HOUR];
