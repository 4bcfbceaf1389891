import { formatPhone } from '../../common/phone-format.js';
import { field, type FieldError } from '../../common/web/forms.js';
import { html, type SafeHtml } from '../../common/web/html.js';
import { MEMBER_FIELDS, type MemberField } from '../../members/member-fields.js';
import { consoleLayout, csrf, errors, formatDateTime, table, type ConsoleContext } from './console-layout.js';
import { erasedNotice } from './console-gdpr-pages.js';
import { fill } from './console-texts.js';

export function loginPage(ctx: ConsoleContext, o: { email?: string; errors?: FieldError[] } = {}): string {
  const { t } = ctx;
  const list = o.errors ?? [];
  return consoleLayout(
    ctx,
    t.loginTitle,
    html`${errors(ctx, list)}
<form method="post" action="/console/login" novalidate>
${csrf(ctx)}
${field({ name: 'email', label: t.email, type: 'email', value: o.email, autocomplete: 'username', errors: list, required: true })}
${field({ name: 'password', label: t.password, type: 'password', autocomplete: 'current-password', errors: list, required: true })}
${field({ name: 'code', label: t.code, autocomplete: 'one-time-code', errors: list })}
<button type="submit">${t.loginButton}</button>
</form>`,
  );
}

export function totpSetupPage(
  ctx: ConsoleContext,
  o: { secret?: string; uri?: string; qr?: SafeHtml; errors?: FieldError[]; totpOn?: boolean },
): string {
  const { t } = ctx;
  const list = o.errors ?? [];
  return consoleLayout(
    ctx,
    t.totpSetupTitle,
    html`${errors(ctx, list)}<p>${t.totpSetupIntro}</p>
${
  o.secret
    ? html`${o.qr ? html`<figure class="qr">${o.qr}</figure>` : ''}
<dl class="totp"><dt>${t.totpKey}</dt><dd><code>${o.secret.replace(/(.{4})/g, '$1 ').trim()}</code></dd><dt>${t.totpUri}</dt><dd><code class="wrap">${o.uri}</code></dd></dl>
<form method="post" action="/console/to-trin/bekraeft" novalidate>${csrf(ctx)}
${field({ name: 'code', label: t.totpCodeLabel, autocomplete: 'one-time-code', errors: list, required: true })}
<button type="submit">${t.totpConfirm}</button></form>`
    : html`<form method="post" action="/console/to-trin/start" novalidate>${csrf(ctx)}
${o.totpOn ? field({ name: 'code', label: t.totpCodeLabel, autocomplete: 'one-time-code', errors: list, required: true }) : ''}
<button type="submit">${t.totpSetupTitle}</button></form>`
}`,
  );
}

export function networksPage(ctx: ConsoleContext, networks: { id: string; slug: string; name: string }[]): string {
  const { t } = ctx;
  return consoleLayout(
    ctx,
    t.networksTitle,
    networks.length === 0
      ? html`<p>${t.noNetworks}</p>`
      : table([t.colName, t.colSlug], networks.map((n) => [html`<a href="/console/netvaerk/${n.id}">${n.name}</a>`, n.slug])),
  );
}

export interface MemberPage {
  network: { id: string; name: string };
  q: string;
  page: number;
  pageSize: number;
  total: number;
  items: { id: string; name: string; email: string; status: string; consentFields: string[]; hasAccount: boolean }[];
}

export function membersPage(ctx: ConsoleContext, p: MemberPage, flash?: string): string {
  const { t } = ctx;
  const pages = Math.max(1, Math.ceil(p.total / p.pageSize));
  // The search text can be a name, so it never goes into a URL: searching and paging post a form.
  const pageButton = (page: number, label: string) =>
    html`<form method="post" action="/console/netvaerk/${p.network.id}/soeg" class="inline">${csrf(ctx)}<input type="hidden" name="q" value="${p.q}"><input type="hidden" name="page" value="${page}"><button type="submit" class="secondary">${label}</button></form>`;
  return consoleLayout(
    ctx,
    p.network.name,
    html`<p><a href="/console/netvaerk/${p.network.id}/lister">${t.listsLink}</a>
· <a href="/console/netvaerk/${p.network.id}/medlemmer/ny">${t.addMember}</a>
· <a href="/console/netvaerk/${p.network.id}/import">${t.importLink}</a></p>
<h2>${t.membersTitle}</h2>
<form method="post" action="/console/netvaerk/${p.network.id}/soeg" role="search">${csrf(ctx)}
${field({ name: 'q', label: t.search, type: 'search', value: p.q })}
<button type="submit">${t.searchButton}</button>
</form>
${table(
  [t.colName, t.colEmail, t.colStatus, t.colConsent, t.colAccount],
  p.items.map((m) => [
    html`<a href="/console/medlemmer/${m.id}">${m.name}</a>`,
    m.email,
    t.memberStatuses[m.status] ?? m.status,
    m.consentFields.length ? m.consentFields.map((f) => t.fields[f as MemberField] ?? f).join(', ') : t.noConsent,
    m.hasAccount ? t.accountActive : t.accountNone,
  ]),
)}
<nav aria-label="${fill(t.pageOf, { page: p.page, pages, total: p.total })}" class="pager"><p>${fill(t.pageOf, { page: p.page, pages, total: p.total })}</p>
${p.page > 1 ? pageButton(p.page - 1, t.previous) : ''}${p.page < pages ? pageButton(p.page + 1, t.next) : ''}</nav>`,
    { flash },
  );
}

export interface MemberDetail {
  member: { id: string; name: string; email: string; phone: string | null; address: string | null; postalCode: string | null; city: string | null; aboutMe: string | null; erasedAt?: string | null };
  networks: {
    id: string;
    name: string;
    status: string;
    latestTextVersion: number | null;
    history: { recordedAt: string; kind: string; fields: string[]; channel: string; note: string | null }[];
    liveEditions: { id: string; createdAt: string; state: string }[];
  }[];
  hasAccount: boolean;
}

export function memberPage(ctx: ConsoleContext, d: MemberDetail, timeZone: string, o: { flash?: string; errors?: FieldError[] } = {}): string {
  const { t, locale } = ctx;
  const m = d.member;
  const facts: [string, string | null][] = [
    [t.fields.email, m.email],
    [t.fields.phone, m.phone && formatPhone(m.phone)],
    [t.fields.address, m.address],
    [t.fields.postal_code, m.postalCode],
    [t.fields.city, m.city],
    [t.fields.about_me, m.aboutMe],
  ];
  return consoleLayout(
    ctx,
    m.name,
    html`${errors(ctx, o.errors ?? [])}
${m.erasedAt ? erasedNotice(ctx, m.erasedAt, timeZone) : html`<dl class="facts">${facts.filter(([, v]) => v).map(([k, v]) => html`<dt>${k}</dt><dd>${v}</dd>`)}</dl>`}
${d.hasAccount || m.erasedAt ? '' : html`<form method="post" action="/console/medlemmer/${m.id}/aktivering">${csrf(ctx)}<button type="submit" class="secondary">${t.sendActivation}</button></form>`}
${m.erasedAt ? '' : html`<p><a href="/console/medlemmer/${m.id}/ret">${t.editMember}</a>
· <a href="/console/medlemmer/${m.id}/sletning">${t.eraseMember}</a></p>`}
${d.networks.map(
  (n, i) => html`<section aria-labelledby="net-${i}">
<h2 id="net-${i}">${n.name} (${t.memberStatuses[n.status] ?? n.status})</h2>
<h3>${t.consentHistory}</h3>
${table(
  [t.colWhen, t.colKind, t.colFields, t.colChannel, t.colNote],
  n.history.map((h) => [formatDateTime(h.recordedAt, locale, timeZone), h.kind === 'grant' ? t.grant : t.withdrawal, h.fields.map((f) => t.fields[f as keyof typeof t.fields] ?? f).join(', '), t.channels[h.channel] ?? h.channel, h.note ?? '']),
)}
${
  n.liveEditions.length
    ? html`<h3>${t.liveEditions}</h3><ul>${n.liveEditions.map(
        (e) => html`<li><a href="/console/udgaver/${e.id}">${formatDateTime(e.createdAt, locale, timeZone)}</a>
<form method="post" action="/console/udgaver/${e.id}/ret" class="inline">${csrf(ctx)}<button type="submit" class="secondary">${t.correct}</button></form></li>`,
      )}</ul>`
    : ''
}
${m.erasedAt ? '' : html`<h3 id="record-${i}">${t.recordConsent}</h3>`}
${
  m.erasedAt
    ? ''
    : n.latestTextVersion
    ? html`<form method="post" action="/console/medlemmer/${m.id}/samtykke" aria-labelledby="record-${i}">
${csrf(ctx)}<input type="hidden" name="networkId" value="${n.id}"><input type="hidden" name="version" value="${n.latestTextVersion}">
<p>${t.consentVersion} ${n.latestTextVersion}</p>
<fieldset><legend>${t.fieldsLegend}</legend>
${MEMBER_FIELDS.map((f) => html`<div class="choice"><input type="checkbox" name="fields" value="${f}" id="f-${i}-${f}"><label for="f-${i}-${f}">${t.fields[f]}</label></div>`)}
</fieldset>
<fieldset><legend>${t.channel}</legend>
${(['phone', 'paper', 'email'] as const).map(
  (c, j) => html`<div class="choice"><input type="radio" name="channel" value="${c}" id="c-${i}-${c}"${j === 0 ? html` checked` : ''}><label for="c-${i}-${c}">${t.channels[c]}</label></div>`,
)}
</fieldset>
<div class="field"><label for="note-${i}">${t.note}</label><input id="note-${i}" name="note" type="text" maxlength="500"></div>
<button type="submit">${t.save}</button>
</form>`
    : html`<p>${t.noConsentText}</p>`
}
</section>`,
)}`,
    { flash: o.flash },
  );
}
