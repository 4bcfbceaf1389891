import { html } from '../../common/web/html.js';
import { consoleLayout, formatDateTime, table, type ConsoleContext } from './console-layout.js';

export interface AuditPageView {
  publicKey: { keyId: string; publicKeyBase64: string; publicKeyPem: string };
  filter: { from: string; to: string; action: string; memberId: string; networkId: string };
  page: number;
  pageSize: number;
  total: number;
  events: { seq: number; at: string; actorType: string; actorId: string | null; action: string; subjectType: string; subjectId: string | null; networkId: string | null }[];
}

const FILTERS = [
  { name: 'from', da: 'Fra (ÅÅÅÅ-MM-DD)', en: 'From (YYYY-MM-DD)' },
  { name: 'to', da: 'Til (ÅÅÅÅ-MM-DD, ikke medregnet)', en: 'To (YYYY-MM-DD, not included)' },
  { name: 'action', da: 'Handling (fx bundle.downloaded)', en: 'Action (e.g. bundle.downloaded)' },
  { name: 'memberId', da: 'Medlems-id', en: 'Member id' },
  { name: 'networkId', da: 'Netværks-id', en: 'Network id' },
] as const;

/** The auditors' read-only view: the signing key, the filtered log, and the exports to verify offline. */
export function auditPage(ctx: ConsoleContext, v: AuditPageView, timeZone: string): string {
  const da = ctx.locale === 'da';
  const query = new URLSearchParams(Object.entries(v.filter).filter(([, value]) => value !== ''));
  const pages = Math.max(1, Math.ceil(v.total / v.pageSize));
  const pageLink = (page: number) => `/console/revision?${new URLSearchParams({ ...Object.fromEntries(query), page: String(page) })}`;
  return consoleLayout(
    ctx,
    ctx.t.navAudit,
    html`<h2>${ctx.t.publicKeyTitle}</h2>
<p>${da ? 'Hvert checkpoint i loggen er signeret med denne Ed25519-nøgle. Brug den med' : 'Every checkpoint in the log is signed with this Ed25519 key. Use it with'} <code>audit:verify --file … --public-key …</code>.</p>
<dl class="facts"><dt>${da ? 'Nøgle-id' : 'Key id'}</dt><dd><code>${v.publicKey.keyId}</code></dd><dt>Base64</dt><dd><code class="wrap">${v.publicKey.publicKeyBase64}</code></dd></dl>
<pre class="wrap">${v.publicKey.publicKeyPem}</pre>
<h2>${da ? 'Udtræk' : 'Exports'}</h2>
<ul><li><a href="/api/v1/audit/export?format=jsonl">${da ? 'Hele loggen som JSONL (kan verificeres)' : 'The whole log as JSONL (verifiable)'}</a></li>
<li><a href="/api/v1/audit/export?format=csv${query.size ? `&${query}` : ''}">${da ? 'Det filtrerede udsnit som CSV' : 'The filtered part as CSV'}</a></li>
<li><a href="/api/v1/audit/public-key">${da ? 'Den offentlige nøgle (JSON)' : 'The public key (JSON)'}</a></li></ul>
<h2>${da ? 'Fordelingsloggen' : 'The distribution log'}</h2>
<form method="get" action="/console/revision">
${FILTERS.map((f) => html`<div class="field"><label for="${f.name}">${da ? f.da : f.en}</label><input id="${f.name}" name="${f.name}" type="text" value="${v.filter[f.name]}"></div>`)}
<button type="submit">${ctx.t.searchButton}</button>
</form>
${table(
  ['#', da ? 'Tidspunkt' : 'Time', da ? 'Aktør' : 'Actor', da ? 'Handling' : 'Action', da ? 'Emne' : 'Subject', da ? 'Netværk' : 'Network'],
  v.events.map((e) => [e.seq, formatDateTime(e.at, ctx.locale, timeZone), `${e.actorType}${e.actorId ? ` ${e.actorId}` : ''}`, e.action, `${e.subjectType} ${e.subjectId ?? ''}`, e.networkId ?? '']),
)}
<nav class="pager" aria-label="${da ? 'Sider' : 'Pages'}"><p>${ctx.t.pageOf.replace('{page}', String(v.page)).replace('{pages}', String(pages)).replace('{total}', String(v.total))}</p>
${v.page > 1 ? html`<a href="${pageLink(v.page - 1)}">${ctx.t.previous}</a> ` : ''}${v.page < pages ? html`<a href="${pageLink(v.page + 1)}">${ctx.t.next}</a>` : ''}</nav>`,
  );
}
