import { field, type FieldError } from '../../common/web/forms.js';
import { html, type SafeHtml } from '../../common/web/html.js';
import { MEMBER_FIELDS, type MemberField } from '../../members/member-fields.js';
import { consoleLayout, csrf, errors, type ConsoleContext } from './console-layout.js';
import { fill } from './console-texts.js';
import { presetOf, type SchedulePreset } from './schedule-words.js';

export type MemberValues = Partial<Record<MemberField, string>>;

/** One member's contact fields: adding a member (flow B without a file) and correcting one. */
export function memberFormPage(
  ctx: ConsoleContext,
  o: { title: string; intro?: string; action: string; back: string; values: MemberValues; errors?: FieldError[] },
): string {
  const { t } = ctx;
  const list = o.errors ?? [];
  const optional = (f: MemberField) => (f === 'name' || f === 'email' ? t.fields[f] : `${t.fields[f]} ${t.optional}`);
  const error = list.find((e) => e.field === 'about_me');
  return consoleLayout(
    ctx,
    o.title,
    html`${errors(ctx, list)}${o.intro ? html`<p>${o.intro}</p>` : ''}
<form method="post" action="${o.action}" novalidate>${csrf(ctx)}
${(['name', 'email', 'phone', 'address', 'postal_code', 'city'] as const).map((f) =>
  field({
    name: f, label: optional(f), type: f === 'email' ? 'email' : 'text', value: o.values[f],
    errors: list,
    required: f === 'name' || f === 'email',
  }),
)}
<div class="field${error ? ' has-error' : ''}"><label for="about_me">${optional('about_me')}</label>
${error ? html`<p class="error" id="about_me-error">${error.message}</p>` : ''}
<textarea id="about_me" name="about_me" rows="4"${error ? html` aria-describedby="about_me-error" aria-invalid="true"` : ''}
>${o.values.about_me ?? ''}</textarea></div>
<button type="submit">${t.save}</button> <a href="${o.back}">${t.cancel}</a>
</form>`,
  );
}

export interface ListFormValues {
  title: string;
  slug: string;
  columns: string[];
  timeZone: string;
  requiresApproval: boolean;
  schedule: SchedulePreset;
}

type StoredList = { title: string; slug: string; columns: string[]; timeZone: string; requiresApproval: boolean; schedule: string | null };

export const listFormValues = (l: StoredList): ListFormValues => ({
  ...l,
  schedule: presetOf(l.schedule),
});

/** A list's title, columns, approval and schedule (presets in words, cron as the advanced option). */
export function listFormPage(
  ctx: ConsoleContext,
  o: { title: string; action: string; back: string; values: ListFormValues; isNew: boolean; errors?: FieldError[] },
): string {
  const { t } = ctx;
  const list = o.errors ?? [];
  const v = o.values;
  const s = v.schedule;
  // The service names the field `schedule`; on this form that is the cron input.
  const cronErrors = list.map((e) => (e.field === 'schedule' ? { ...e, field: 'cron' } : e));
  const radio = (kind: SchedulePreset['kind'], label: string) =>
    html`<div class="choice"><input type="radio" name="scheduleKind" value="${kind}"
id="schedule-${kind}"${s.kind === kind ? html` checked` : ''}>
<label for="schedule-${kind}">${label}</label></div>`;
  const number = (name: string, label: string, value: number | undefined, min: number, max: number): SafeHtml => {
    const error = list.find((e) => e.field === name);
    const invalid = error ? html` aria-describedby="${name}-error" aria-invalid="true"` : '';
    return html`<div class="field${error ? ' has-error' : ''}"><label for="${name}">${label}</label>
${error ? html`<p class="error" id="${name}-error">${error.message}</p>` : ''}
<input id="${name}" name="${name}" type="number" inputmode="numeric" min="${min}" max="${max}" value="${value ?? ''}"${invalid}></div>`;
  };
  return consoleLayout(
    ctx,
    o.title,
    html`${errors(ctx, list)}
<form method="post" action="${o.action}" novalidate>${csrf(ctx)}
${field({ name: 'title', label: t.colTitle, value: v.title, errors: list, required: true })}
${o.isNew ? field({ name: 'slug', label: t.listSlug, value: v.slug, errors: list, required: true }) : ''}
<fieldset id="columns"><legend>${t.listColumns}</legend>
${MEMBER_FIELDS.map(
  (f) => html`<div class="choice"><input type="checkbox" name="columns" value="${f}"
id="col-${f}"${v.columns.includes(f) ? html` checked` : ''}>
<label for="col-${f}">${t.fields[f]}</label></div>`,
)}
</fieldset>
<fieldset id="schedule"><legend>${t.scheduleLegend}</legend>
${radio('manual', t.scheduleManual)}
${radio('monthly', t.scheduleMonthly)}
${radio('weekly', t.scheduleWeekly)}
${radio('daily', t.scheduleDaily)}
${number('day', t.scheduleDay, s.kind === 'monthly' ? s.day : 1, 1, 28)}
<div class="field"><label for="weekday">${t.scheduleWeekday}</label><select id="weekday" name="weekday">${t.weekdays.map(
      (d, i) => html`<option value="${i}"${(s.kind === 'weekly' ? s.weekday : 1) === i ? html` selected` : ''}>${d}</option>`,
    )}</select></div>
${number('hour', t.scheduleHour, s.kind === 'monthly' || s.kind === 'weekly' || s.kind === 'daily' ? s.hour : 7, 0, 23)}
${radio('cron', t.scheduleCron)}
${field({ name: 'cron', label: t.scheduleCronLabel, value: s.kind === 'cron' ? s.cron : '', errors: cronErrors })}
</fieldset>
${field({ name: 'timeZone', label: t.colTimeZone, value: v.timeZone, errors: list, required: true })}
<div class="choice"><input type="checkbox" name="requiresApproval" value="1"
id="requiresApproval"${v.requiresApproval ? html` checked` : ''}>
<label for="requiresApproval">${t.requiresApprovalLabel}</label></div>
<p><button type="submit">${t.save}</button> <a href="${o.back}">${t.cancel}</a></p>
</form>`,
  );
}

export const addMemberIntro = (ctx: ConsoleContext, network: string) => fill(ctx.t.addMemberIntro, { network });
