import type { FieldError } from '../../common/web/forms.js';
import { html } from '../../common/web/html.js';
import { actionChoices, actionInWords, actorInWords, detailInWords } from './audit-words.js';
import { consoleLayout, errors, formatDateTime, table, type ConsoleContext } from './console-layout.js';
import { fill } from './console-texts.js';

export interface AuditPageView {
  publicKey: { keyId: string; publicKeyBase64: string; publicKeyPem: string };
  filter: { from: string; to: string; action: string; memberId: string; networkId: string };
  page: number;
  pageSize: number;
  total: number;
  events: {
    seq: number;
    at: string;
    actorType: string;
    actorId: string | null;
    action: string;
    subjectType: string;
    subjectId: string | null;
    networkId: string | null;
    detail?: unknown;
  }[];
  errors?: FieldError[];
}

const FILTERS = [
  { name: 'from', type: 'date', da: 'Fra og med dato', en: 'From date (included)' },
  { name: 'to', type: 'date', da: 'Til dato (ikke medregnet)', en: 'To date (not included)' },
  { name: 'memberId', type: 'text', da: 'Medlems-id', en: 'Member id' },
  { name: 'networkId', type: 'text', da: 'Netværks-id', en: 'Network id' },
] as const;

/**
 * The auditors' read-only view: exports first, then the filtered log in words, then the signing key.
 * The filters are dates, ids and action codes (nothing personal), so they live in the address and
 * paging keeps them.
 */
export function auditPage(ctx: ConsoleContext, v: AuditPageView, timeZone: string): string {
  const da = ctx.locale === 'da';
  const list = v.errors ?? [];
  const query = new URLSearchParams(Object.entries(v.filter).filter(([, value]) => value !== ''));
  const pages = Math.max(1, Math.ceil(v.total / v.pageSize));
  const pageLink = (page: number) => `/console/revision?${new URLSearchParams({ ...Object.fromEntries(query), page: String(page) })}`;
  const inputError = (name: string) => list.find((e) => e.field === name);
  const csvFilter = query.size && !list.length ? `&${query}` : '';
  const headers = da
    ? ['#', 'Tidspunkt', 'Handling', 'Detaljer', 'Aktør', 'Emne', 'Netværk']
    : ['#', 'Time', 'Action', 'Details', 'Actor', 'Subject', 'Network'];
  return consoleLayout(
    ctx,
    ctx.t.navAudit,
    html`${errors(ctx, list)}
<p class="actions"><a class="button" href="/api/v1/audit/export?format=jsonl">${
      da ? 'Hent hele loggen (JSONL, kan verificeres)' : 'Download the whole log (JSONL, verifiable)'
    }</a>
<a class="button secondary" href="/api/v1/audit/export?format=csv${csvFilter}">${
      da ? 'Hent det filtrerede udsnit (CSV)' : 'Download the filtered part (CSV)'
    }</a></p>
<h2>${da ? 'Fordelingsloggen' : 'The distribution log'}</h2>
<form method="get" action="/console/revision" novalidate>
${FILTERS.map((f) => {
  const error = inputError(f.name);
  const invalid = error ? html` aria-invalid="true" aria-describedby="${f.name}-error"` : '';
  return html`<div class="field${error ? ' has-error' : ''}"><label for="${f.name}">${da ? f.da : f.en}</label>
${error ? html`<p class="error" id="${f.name}-error">${error.message}</p>` : ''}
<input id="${f.name}" name="${f.name}" type="${f.type}" value="${v.filter[f.name]}"${invalid}></div>`;
})}
<div class="field"><label for="action">${da ? 'Handling' : 'Action'}</label><select id="action" name="action">
<option value="">${da ? 'Alle handlinger' : 'All actions'}</option>
${actionChoices(ctx.locale).map(
  (a) => html`<option value="${a.code}"${v.filter.action === a.code ? html` selected` : ''}>${a.label}</option>`,
)}
</select></div>
<button type="submit">${ctx.t.searchButton}</button>
</form>
${table(
  headers,
  v.events.map((e) => [
    e.seq,
    formatDateTime(e.at, ctx.locale, timeZone),
    actionInWords(e.action, ctx.locale),
    detailInWords(e.detail, ctx.locale),
    `${actorInWords(e.actorType, ctx.locale)}${e.actorId ? ` ${e.actorId}` : ''}`,
    `${e.subjectType} ${e.subjectId ?? ''}`,
    e.networkId ?? '',
  ]),
)}
<nav class="pager" aria-label="${da ? 'Sider' : 'Pages'}"><p>${fill(ctx.t.pageOf, { page: v.page, pages, total: v.total })}</p>
${v.page > 1 ? html`<a href="${pageLink(v.page - 1)}">${ctx.t.previous}</a> ` : ''}${v.page < pages ? html`<a href="${pageLink(v.page + 1)}">${ctx.t.next}</a>` : ''}</nav>
<h2>${ctx.t.publicKeyTitle}</h2>
<p>${da ? 'Hvert checkpoint i loggen er signeret med denne Ed25519-nøgle. Brug den med' : 'Every checkpoint in the log is signed with this Ed25519 key. Use it with'} <code>audit:verify --file … --public-key …</code>.</p>
<dl class="facts"><dt>${da ? 'Nøgle-id' : 'Key id'}</dt><dd><code>${v.publicKey.keyId}</code></dd><dt>Base64</dt><dd><code class="wrap">${v.publicKey.publicKeyBase64}</code></dd></dl>
<pre class="wrap">${v.publicKey.publicKeyPem}</pre>
<p><a href="/api/v1/audit/public-key">${da ? 'Den offentlige nøgle (JSON)' : 'The public key (JSON)'}</a></p>`,
  );
}
