import { MEMBER_FIELDS } from '../../members/member-fields.js';
import { html } from '../../common/web/html.js';
import { csrfField, errorSummary, field, layout, type FieldError, type PageContext } from './layout.js';
import { formatDate } from './portal-texts.js';

export interface MessageRow {
  bundleId: string;
  networkName: string;
  listTitle: string;
  editionAt: string;
  expiresAt: string;
  state: string;
  downloadedAt: string | null;
  files: string[];
}

const FILE_LINKS = [
  { file: 'zip', key: 'downloadZip', needs: null },
  { file: 'xlsx', key: 'downloadXlsx', needs: 'contact-list.xlsx' },
  { file: 'pdf', key: 'downloadPdf', needs: 'contact-list.pdf' },
  { file: 'age', key: 'downloadAge', needs: null },
] as const;

export function messagesPage(ctx: PageContext, rows: MessageRow[], timeZone: string, flash?: string): string {
  const { t, locale } = ctx;
  const date = (iso: string) => formatDate(iso, locale, timeZone);
  const status = (r: MessageRow) =>
    r.state === 'expired' ? t.stateExpired : r.state !== 'ready' ? t.statePreparing : r.downloadedAt ? `${t.stateDownloaded} ${date(r.downloadedAt)}` : t.stateReady;
  const body =
    rows.length === 0
      ? html`<p>${t.messagesIntro}</p><p class="notice">${t.noMessages}</p>`
      : html`<p>${t.messagesIntro}</p>
<div class="table-wrap"><table>
<thead><tr><th scope="col">${t.colNetwork}</th><th scope="col">${t.colList}</th><th scope="col">${t.colDate}</th><th scope="col">${t.colExpires}</th><th scope="col">${t.colStatus}</th><th scope="col">${t.colDownload}</th></tr></thead>
<tbody>${rows.map(
          (r) => html`<tr>
<td>${r.networkName}</td><td>${r.listTitle}</td><td>${date(r.editionAt)}</td><td>${date(r.expiresAt)}</td><td>${status(r)}</td>
<td>${
            r.state === 'ready'
              ? html`<ul class="downloads">${FILE_LINKS.filter((l) => !l.needs || r.files.includes(l.needs)).map(
                  (l) => html`<li><a href="/portal/beskeder/${r.bundleId}/${l.file}" download>${t[l.key]}<span class="hp"> ${t.downloadOf} ${r.listTitle}, ${date(r.editionAt)}</span></a></li>`,
                )}</ul>`
              : ''
          }</td></tr>`,
        )}</tbody></table></div>`;
  return layout(ctx, t.messagesTitle, body, { flash });
}

export interface ConsentSection {
  networkId: string;
  networkName: string;
  text: { version: number; body: string } | null;
  fields: string[];
  since: string | null;
}

export function consentPage(ctx: PageContext, sections: ConsentSection[], timeZone: string, flash?: string): string {
  const { t, locale } = ctx;
  return layout(
    ctx,
    t.consentTitle,
    html`<p>${t.consentIntro}</p>
${sections.map((s, i) => {
  const id = `net-${i}`;
  return html`<section aria-labelledby="${id}-title">
<h2 id="${id}-title">${s.networkName}</h2>
${s.since ? html`<p>${t.consentSince}: ${formatDate(s.since, locale, timeZone)}</p>` : ''}
${s.fields.length === 0 ? html`<p>${t.consentNone}</p>` : ''}
${
  s.text
    ? html`<h3 id="${id}-text">${t.consentText} ${s.text.version}</h3>
<div class="consent-text" tabindex="0" role="region" aria-labelledby="${id}-text">${s.text.body}</div>
<form method="post" action="/portal/samtykke">
${csrfField(ctx)}
<input type="hidden" name="networkId" value="${s.networkId}">
<fieldset><legend>${t.consentLegend}</legend>
${MEMBER_FIELDS.map(
  (f) => html`<div class="choice"><input type="checkbox" name="fields" value="${f}" id="${id}-${f}"${s.fields.includes(f) ? html` checked` : ''}><label for="${id}-${f}">${t.fields[f]}</label></div>`,
)}
</fieldset>
<button type="submit">${t.consentSave}</button>
</form>`
    : html`<p class="notice">${t.consentNoText}</p>`
}
</section>`;
})}`,
    { flash },
  );
}

export interface LedgerRow {
  networkName: string;
  listTitle: string;
  at: string;
  recipientCount: number;
}

export function recipientsPage(ctx: PageContext, rows: LedgerRow[], timeZone: string): string {
  const { t, locale } = ctx;
  return layout(
    ctx,
    t.recipientsTitle,
    html`<p>${t.recipientsIntro}</p>
${
  rows.length === 0
    ? html`<p class="notice">${t.noRecipients}</p>`
    : html`<div class="table-wrap"><table>
<thead><tr><th scope="col">${t.colNetwork}</th><th scope="col">${t.colList}</th><th scope="col">${t.colDate}</th><th scope="col">${t.colRecipients}</th></tr></thead>
<tbody>${rows.map((r) => html`<tr><td>${r.networkName}</td><td>${r.listTitle}</td><td>${formatDate(r.at, locale, timeZone)}</td><td>${r.recipientCount}</td></tr>`)}</tbody>
</table></div>`
}`,
  );
}

export function myDataPage(ctx: PageContext, o: { erasureOpen: boolean; flash?: string }): string {
  const { t } = ctx;
  return layout(
    ctx,
    t.dataTitle,
    html`<p>${t.dataIntro}</p>
<p><a class="button" href="/portal/mine-data/eksport" download>${t.dataDownload}</a> <a class="button" href="/portal/mine-data/eksport.pdf" download>${t.dataDownloadPdf}</a></p>
<h2>${t.erasureTitle}</h2>
<p>${t.erasureIntro}</p>
${
  o.erasureOpen
    ? html`<p class="notice">${t.erasureOpen}</p>`
    : html`<form method="post" action="/portal/mine-data/sletning">${csrfField(ctx)}<button type="submit" class="secondary">${t.erasureButton}</button></form>`
}`,
    { flash: o.flash },
  );
}

export function changePasswordPage(ctx: PageContext, o: { errors?: FieldError[]; flash?: string } = {}): string {
  const { t } = ctx;
  const errors = o.errors ?? [];
  return layout(
    ctx,
    t.passwordTitle,
    html`${errorSummary(ctx, errors)}
<form method="post" action="/portal/adgangskode" novalidate>
${csrfField(ctx)}
${field({ name: 'currentPassword', label: t.currentPassword, type: 'password', autocomplete: 'current-password', errors, required: true })}
${field({ name: 'newPassword', label: t.newPassword, type: 'password', hint: t.passwordHint, autocomplete: 'new-password', errors, required: true })}
${field({ name: 'passwordRepeat', label: t.passwordRepeat, type: 'password', autocomplete: 'new-password', errors, required: true })}
<button type="submit">${t.save}</button>
</form>`,
    { flash: o.flash },
  );
}

export function totpPage(ctx: PageContext, status: { state: 'off' } | { state: 'pending'; secret: string; uri: string } | { state: 'on' }, o: { errors?: FieldError[]; flash?: string } = {}): string {
  const { t } = ctx;
  const errors = o.errors ?? [];
  const codeField = field({ name: 'code', label: t.totpCode, autocomplete: 'one-time-code', errors, required: true });
  const body =
    status.state === 'off'
      ? html`<p>${t.totpIntro}</p><p>${t.totpOff}</p>
<form method="post" action="/portal/to-trin/start">${csrfField(ctx)}<button type="submit">${t.totpStart}</button></form>`
      : status.state === 'pending'
        ? html`${errorSummary(ctx, errors)}<p>${t.totpPendingIntro}</p>
<dl class="totp"><dt>${t.totpKey}</dt><dd><code>${status.secret.replace(/(.{4})/g, '$1 ').trim()}</code></dd>
<dt>${t.totpUri}</dt><dd><code class="wrap">${status.uri}</code></dd></dl>
<form method="post" action="/portal/to-trin/bekraeft" novalidate>${csrfField(ctx)}${codeField}<button type="submit">${t.totpConfirm}</button></form>`
        : html`${errorSummary(ctx, errors)}<p>${t.totpOn}</p>
<form method="post" action="/portal/to-trin/sluk" novalidate>${csrfField(ctx)}${codeField}<button type="submit" class="secondary">${t.totpDisable}</button></form>`;
  return layout(ctx, t.totpTitle, body, { flash: o.flash });
}
