/**
 * A list's schedule as coordinators think of it ("den 1. i hver måned kl. 7") and the cron expression
 * the scheduler runs. The presets cover what organisations ask for; anything else stays a cron form.
 */
export type SchedulePreset =
  | { kind: 'manual' }
  | { kind: 'monthly'; day: number; hour: number }
  | { kind: 'weekly'; weekday: number; hour: number }
  | { kind: 'daily'; hour: number }
  | { kind: 'cron'; cron: string };

export const SCHEDULE_KINDS = ['manual', 'monthly', 'weekly', 'daily', 'cron'] as const;

const HOUR = '([01]?\\d|2[0-3])';
const MONTHLY = new RegExp(`^0 ${HOUR} ([1-9]|1\\d|2[0-8]) \\* \\*$`);
const WEEKLY = new RegExp(`^0 ${HOUR} \\* \\* ([0-6])$`);
const DAILY = new RegExp(`^0 ${HOUR} \\* \\* \\*$`);

/** The preset a stored cron expression matches, or the cron form when it matches none. */
export function presetOf(cron: string | null): SchedulePreset {
  if (!cron) return { kind: 'manual' };
  const c = cron.trim().replace(/\s+/g, ' ');
  let m = MONTHLY.exec(c);
  if (m) return { kind: 'monthly', hour: Number(m[1]), day: Number(m[2]) };
  m = WEEKLY.exec(c);
  if (m) return { kind: 'weekly', hour: Number(m[1]), weekday: Number(m[2]) };
  m = DAILY.exec(c);
  if (m) return { kind: 'daily', hour: Number(m[1]) };
  return { kind: 'cron', cron: c };
}

/** The cron expression of a preset; null for manual only. */
export function cronOf(p: SchedulePreset): string | null {
  switch (p.kind) {
    case 'manual':
      return null;
    case 'monthly':
      return `0 ${p.hour} ${p.day} * *`;
    case 'weekly':
      return `0 ${p.hour} * * ${p.weekday}`;
    case 'daily':
      return `0 ${p.hour} * * *`;
    case 'cron':
      return p.cron.trim();
  }
}

export interface ScheduleWords {
  manual: string;
  weekdays: string[];
  monthlyWords: string;
  weeklyWords: string;
  dailyWords: string;
  cronWords: string;
}

/** The schedule in words, in the page's language. */
export function scheduleInWords(cron: string | null, t: ScheduleWords): string {
  const p = presetOf(cron);
  const fill = (text: string, v: Record<string, string | number>) => text.replace(/\{(\w+)\}/g, (_, k: string) => String(v[k]));
  switch (p.kind) {
    case 'manual':
      return t.manual;
    case 'monthly':
      return fill(t.monthlyWords, { day: p.day, hour: p.hour });
    case 'weekly':
      return fill(t.weeklyWords, { weekday: t.weekdays[p.weekday], hour: p.hour });
    case 'daily':
      return fill(t.dailyWords, { hour: p.hour });
    case 'cron':
      return fill(t.cronWords, { cron: p.cron });
  }
}
