import type { FieldError } from '../../common/web/forms.js';
import { html } from '../../common/web/html.js';
import { consoleLayout, csrf, errors, formatDateTime, table, type ConsoleContext } from './console-layout.js';
import { fill } from './console-texts.js';

export interface ErasureQueueView {
  requests: { id: string; memberId: string; memberName: string; createdAt: string }[];
  flagged: { id: string; listTitle: string; state: string; createdAt: string; recipientCount: number; correctionNeededSince: string }[];
}

/** The erasure queue (art. 17) and the editions an erasure left for a correction (art. 19). */
export function erasurePage(ctx: ConsoleContext, v: ErasureQueueView, timeZone: string, o: { flash?: string; errors?: FieldError[] } = {}): string {
  const { t, locale } = ctx;
  const when = (iso: string) => formatDateTime(iso, locale, timeZone);
  return consoleLayout(
    ctx,
    t.erasureTitle,
    html`${errors(ctx, o.errors ?? [])}
<p>${t.erasureIntro}</p>
${
  v.requests.length === 0
    ? html`<p class="notice">${t.noErasureRequests}</p>`
    : table(
        [t.colMember, t.colRequested, ''],
        v.requests.map((r) => [
          html`<a href="/console/medlemmer/${r.memberId}">${r.memberName}</a>`,
          when(r.createdAt),
          html`<a href="/console/sletning/${r.memberId}" class="button">${t.carryOutErasure}<span class="hp"> ${r.memberName}</span></a>`,
        ]),
      )
}
<h2 id="flagged">${t.flaggedTitle}</h2>
<p>${t.flaggedIntro}</p>
${
  v.flagged.length === 0
    ? html`<p class="notice">${t.noFlagged}</p>`
    : table(
        [t.colEdition, t.colState, t.colFlaggedSince, ''],
        v.flagged.map((e) => [
          html`<a href="/console/udgaver/${e.id}">${e.listTitle}, ${when(e.createdAt)}</a>`,
          t.states[e.state] ?? e.state,
          when(e.correctionNeededSince),
          html`<form method="post" action="/console/udgaver/${e.id}/ret" class="inline">${csrf(ctx)}<button type="submit" class="secondary">${t.correct}<span class="hp"> ${e.listTitle}, ${when(e.createdAt)}</span></button></form>`,
        ]),
      )
}`,
    { flash: o.flash },
  );
}

/** The last step before erasing a member by hand (a request by phone, letter or e-mail). */
export function eraseMemberPage(ctx: ConsoleContext, member: { id: string; name: string }, o: { errors?: FieldError[]; requested: boolean }): string {
  const { t } = ctx;
  const channels = o.requested ? (['portal', 'phone', 'paper', 'email'] as const) : (['phone', 'paper', 'email'] as const);
  return consoleLayout(
    ctx,
    `${t.eraseTitle}: ${member.name}`,
    html`${errors(ctx, o.errors ?? [])}
<p>${t.eraseIntro}</p>
<form method="post" action="/console/medlemmer/${member.id}/sletning">
${csrf(ctx)}
<fieldset id="channel"><legend>${t.eraseChannel}</legend>
${channels.map(
  (c, i) => html`<div class="choice"><input type="radio" name="channel" value="${c}" id="erase-${c}"${i === 0 ? html` checked` : ''}><label for="erase-${c}">${t.channels[c]}</label></div>`,
)}
</fieldset>
<button type="submit">${t.eraseConfirm}</button>
</form>
<p><a href="/console/medlemmer/${member.id}">${member.name}</a></p>`,
  );
}

export const erasedNotice = (ctx: ConsoleContext, erasedAt: string, timeZone: string) =>
  html`<p class="notice">${fill(ctx.t.memberErased, { date: formatDateTime(erasedAt, ctx.locale, timeZone) })}</p>`;
