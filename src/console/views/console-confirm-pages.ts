import { html, type SafeHtml } from '../../common/web/html.js';
import { consoleLayout, csrf, type ConsoleContext } from './console-layout.js';
import { previewSection, type ListView } from './console-distribution-pages.js';
import { fill } from './console-texts.js';

/**
 * The second step of every action that cannot be taken back or that reaches people outside: a page
 * (no script) that says what will happen, and the one form that does it.
 */
function confirmation(ctx: ConsoleContext, title: string, body: SafeHtml, action: string, button: string, back: string): string {
  return consoleLayout(
    ctx,
    title,
    html`${body}
<form method="post" action="${action}" class="inline">${csrf(ctx)}<button type="submit">${button}</button></form>
<a href="${back}" class="cancel">${ctx.t.cancel}</a>`,
  );
}

export function confirmErasurePage(ctx: ConsoleContext, member: { id: string; name: string }): string {
  const { t } = ctx;
  return confirmation(
    ctx,
    t.confirmEraseTitle,
    html`<p>${fill(t.confirmEraseLead, { name: member.name })}</p><p class="notice">${t.erasureIntro}</p>`,
    `/console/sletning/${member.id}`,
    t.carryOutErasure,
    '/console/sletning',
  );
}

export function rejectRequestPage(ctx: ConsoleContext, request: { id: string; name: string; email: string }): string {
  const { t } = ctx;
  return confirmation(
    ctx,
    t.rejectTitle,
    html`<p>${fill(t.rejectLead, { name: request.name, email: request.email })}</p><p class="notice">${t.rejectWhat}</p>`,
    `/console/anmodninger/${request.id}/afvis`,
    t.rejectConfirm,
    '/console/anmodninger',
  );
}

/** Publishing: what changed since the last edition, how many notices go out, and who asked to be erased. */
export function publishConfirmPage(ctx: ConsoleContext, v: ListView, erasureRequested: { id: string; name: string }[]): string {
  const { t } = ctx;
  const p = v.preview;
  const unchanged = p.hasPrevious && p.added.length + p.removed.length + p.changed.length === 0;
  return confirmation(
    ctx,
    t.publishTitle,
    html`<p>${fill(t.publishLead, { title: v.list.title })}</p>
<p class="notice">${fill(v.list.requiresApproval ? t.publishNoticesApproval : t.publishNotices, { r: p.recipients, n: p.rows })}</p>
${unchanged ? html`<p>${t.publishNoChange}</p>` : ''}
${
  erasureRequested.length
    ? html`<div class="notice" role="alert"><p>${fill(t.publishErasureWarning, { n: erasureRequested.length })}</p>
<ul>${erasureRequested.map((m) => html`<li><a href="/console/medlemmer/${m.id}">${m.name}</a></li>`)}</ul></div>`
    : ''
}
${previewSection(ctx, v)}`,
    `/console/lister/${v.list.id}/udsend`,
    t.publishConfirm,
    `/console/lister/${v.list.id}`,
  );
}
