import { MEMBER_FIELDS, type MemberField } from '../../members/member-fields.js';
import { html, type SafeHtml } from '../../common/web/html.js';
import { csrfField, errorSummary, field, layout, type FieldError, type PageContext } from './layout.js';
import { formatDate, formatDateTime } from './portal-texts.js';

export interface MessageRow {
  bundleId: string;
  listId: string;
  networkName: string;
  listTitle: string;
  editionAt: string;
  expiresAt: string;
  state: string;
  downloadedAt: string | null;
  files: string[];
  /** The list's time zone: an edition's time of day is the list's. */
  timeZone: string;
}

const FILE_LINKS = [
  { file: 'zip', key: 'downloadZip', needs: null },
  { file: 'xlsx', key: 'downloadXlsx', needs: 'contact-list.xlsx' },
  { file: 'pdf', key: 'downloadPdf', needs: 'contact-list.pdf' },
  { file: 'age', key: 'downloadAge', needs: null },
] as const;

/** A header cell and the label each data cell repeats when a narrow screen stacks the table's rows. */
const cell = (label: string, content: unknown) => html`<td data-label="${label}">${content}</td>`;

export function messagesPage(ctx: PageContext, rows: MessageRow[], flash?: string): string {
  const { t, locale } = ctx;
  const when = (r: MessageRow, iso: string) => formatDateTime(iso, locale, r.timeZone);
  const status = (r: MessageRow) => {
    if (r.state === 'expired') return t.stateExpired;
    if (r.state !== 'ready') return t.statePreparing;
    return r.downloadedAt ? `${t.stateDownloaded} ${when(r, r.downloadedAt)}` : t.stateReady;
  };
  // "New" in words, not only colour: a ready list the member has not downloaded yet.
  const isNew = (r: MessageRow) => r.state === 'ready' && !r.downloadedAt;
  const newMarker = html` <strong class="new" title="${t.newMarkerHelp}">${t.newMarker}</strong>`;
  const link = (r: MessageRow, l: (typeof FILE_LINKS)[number]) =>
    html`<a href="/portal/beskeder/${r.bundleId}/${l.file}" download>${t[l.key]}<span class="hp"> ${t.downloadOf} ${r.listTitle}, ${
      when(r, r.editionAt)
    }</span></a>`;
  const body =
    rows.length === 0
      ? html`<p>${t.messagesIntro}</p><div class="notice"><p>${t.noMessages}</p><p>${t.noMessagesWhy}</p>
<p><a href="/portal/samtykke">${t.goToConsent}</a></p></div>`
      : html`<p>${t.messagesIntro}</p>
<table class="stack">
<thead><tr><th scope="col">${t.colNetwork}</th><th scope="col">${t.colList}</th><th scope="col">${t.colDate}</th><th scope="col">${t.colExpires}</th><th scope="col">${t.colStatus}</th><th scope="col">${t.colDownload}</th></tr></thead>
<tbody>${rows.map(
          (r) => html`<tr>
${cell(t.colNetwork, r.networkName)}${cell(t.colList, html`${r.listTitle}${isNew(r) ? newMarker : ''}`)}
${cell(t.colDate, when(r, r.editionAt))}${cell(t.colExpires, when(r, r.expiresAt))}${cell(t.colStatus, status(r))}
${cell(
  t.colDownload,
  r.state === 'ready'
    ? html`<ul class="downloads">${FILE_LINKS.filter((l) => !l.needs || r.files.includes(l.needs)).map(
        (l) => html`<li>${link(r, l)}</li>`,
      )}</ul>`
    : '',
)}</tr>`,
        )}</tbody></table>`;
  return layout(ctx, t.messagesTitle, body, { flash });
}

export interface ConsentSection {
  networkId: string;
  networkName: string;
  text: { version: number; body: string } | null;
  fields: string[];
  since: string | null;
}

/** The member's stored value of each field, as shown beside its tick (null: nothing stored). */
export type FieldValues = Record<MemberField, string | null>;

export function consentPage(
  ctx: PageContext,
  sections: ConsentSection[],
  values: FieldValues,
  timeZone: string,
  o: { flash?: string; errors?: FieldError[] } = {},
): string {
  const { t, locale } = ctx;
  const anyEmpty = MEMBER_FIELDS.some((f) => !values[f]);
  const choice = (id: string, f: MemberField, s: ConsentSection) => {
    const value = values[f];
    // Nothing stored: nothing to share, so the box cannot be ticked (the server refuses it too).
    const state = html`${value && s.fields.includes(f) ? html` checked` : ''}${value ? '' : html` disabled`}`;
    return html`<div class="choice with-value">
<input type="checkbox" name="fields" value="${f}" id="${id}-${f}" aria-describedby="${id}-${f}-value"${state}>
<label for="${id}-${f}">${t.fields[f]}</label>
<span class="value${value ? '' : ' empty'}" id="${id}-${f}-value">${value ?? `(${t.consentNoValue})`}</span></div>`;
  };
  return layout(
    ctx,
    t.consentTitle,
    html`${errorSummary(ctx, o.errors ?? [])}<p>${t.consentIntro}</p>
<p>${anyEmpty ? html`${t.consentEmptyHelp} ` : ''}<a href="/portal/kontaktoplysninger">${t.contactLink}</a></p>
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
<fieldset${i === 0 ? html` id="fields"` : ''}><legend>${t.consentLegend}</legend>
${MEMBER_FIELDS.map((f) => choice(id, f, s))}
</fieldset>
<button type="submit">${t.consentSave}</button>
</form>`
    : html`<p class="notice">${t.consentNoText}</p>`
}
</section>`;
})}`,
    { flash: o.flash },
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
    : html`<table class="stack">
<thead><tr><th scope="col">${t.colNetwork}</th><th scope="col">${t.colList}</th><th scope="col">${t.colDate}</th><th scope="col">${t.colRecipients}</th></tr></thead>
<tbody>${rows.map(
        (r) =>
          html`<tr>${cell(t.colNetwork, r.networkName)}${cell(t.colList, r.listTitle)}
${cell(t.colDate, formatDateTime(r.at, locale, timeZone))}${cell(t.colRecipients, r.recipientCount)}</tr>`,
      )}</tbody>
</table>`
}`,
  );
}

export function myDataPage(ctx: PageContext, o: { erasureOpen: boolean; flash?: string }): string {
  const { t } = ctx;
  return layout(
    ctx,
    t.dataTitle,
    html`<p>${t.dataIntro}</p>
<p class="buttons"><a class="button" href="/portal/mine-data/eksport" download>${t.dataDownload}</a>
<a class="button" href="/portal/mine-data/eksport.pdf" download>${t.dataDownloadPdf}</a></p>
<h2>${t.contactTitle}</h2>
<p><a href="/portal/kontaktoplysninger">${t.contactLink}</a></p>
<h2>${t.erasureTitle}</h2>
<p>${t.erasureIntro}</p>
${
  o.erasureOpen
    ? html`<p class="notice">${t.erasureOpen}</p>`
    : html`<p><a class="button secondary" href="/portal/mine-data/sletning">${t.erasureButton}</a></p>`
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

export type TotpStatus = { state: 'off' } | { state: 'pending'; secret: string; uri: string } | { state: 'on' };

/** `qr` is the set-up key as an inline SVG QR code (pending state only), made on the server. */
export function totpPage(ctx: PageContext, status: TotpStatus, o: { errors?: FieldError[]; flash?: string; qr?: SafeHtml } = {}): string {
  const { t } = ctx;
  const errors = o.errors ?? [];
  const codeField = field({ name: 'code', label: t.totpCode, autocomplete: 'one-time-code', errors, required: true });
  const body =
    status.state === 'off'
      ? html`<p>${t.totpIntro}</p><p>${t.totpOff}</p>
<form method="post" action="/portal/to-trin/start">${csrfField(ctx)}<button type="submit">${t.totpStart}</button></form>`
      : status.state === 'pending'
        ? html`${errorSummary(ctx, errors)}<p>${t.totpPendingIntro}</p>
${o.qr ? html`<p>${t.totpQrIntro}</p><figure class="qr">${o.qr}</figure>` : ''}
<dl class="totp"><dt>${t.totpKey}</dt><dd><code>${status.secret.replace(/(.{4})/g, '$1 ').trim()}</code></dd>
<dt>${t.totpUri}</dt><dd><code class="wrap">${status.uri}</code></dd></dl>
<form method="post" action="/portal/to-trin/bekraeft" novalidate>${csrfField(ctx)}${codeField}<button type="submit">${t.totpConfirm}</button></form>`
        : html`${errorSummary(ctx, errors)}<p>${t.totpOn}</p>
<form method="post" action="/portal/to-trin/sluk" novalidate>${csrfField(ctx)}${codeField}<button type="submit" class="secondary">${t.totpDisable}</button></form>`;
  return layout(ctx, t.totpTitle, body, { flash: o.flash });
}
