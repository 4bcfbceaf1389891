import type { TokenInfoDto } from '../../accounts/dto/staff.dto.js';
import { field, type FieldError } from '../../common/web/forms.js';
import { html } from '../../common/web/html.js';
import { consoleLayout, csrf, errors, formatDateTime, table, type ConsoleContext } from './console-layout.js';
import type { Locale } from './console-texts.js';

/** Texts of the API-token page and of the staff page's disable buttons (kept apart from the shared texts). */
const TEXTS = {
  da: {
    navTokens: 'API-nøgler',
    tokensTitle: 'API-nøgler',
    tokensIntro: 'Personlige nøgler til scripts (Authorization: Bearer …). En nøgle holder højst et år og kan trækkes tilbage når som helst.',
    noTokens: 'Du har ingen API-nøgler.',
    colName: 'Navn',
    colCreated: 'Oprettet',
    colExpires: 'Udløber',
    colLastUsed: 'Sidst brugt',
    colState: 'Status',
    live: 'Gyldig',
    revoked: 'Trukket tilbage',
    expired: 'Udløbet',
    never: 'Aldrig',
    revoke: 'Træk tilbage',
    newToken: 'Ny API-nøgle',
    name: 'Navn (hvad skal den bruges til?)',
    days: 'Gyldig i dage (1-365)',
    create: 'Opret nøgle',
    created: 'Nøglen er oprettet. Kopiér den nu: den vises ikke igen.',
    tokenRevoked: 'Nøglen er trukket tilbage.',
    colStatus: 'Status',
    active: 'Aktiv',
    disabled: 'Deaktiveret',
    disable: 'Deaktivér (afslutter sessioner og nøgler)',
    enable: 'Aktivér igen',
  },
  en: {
    navTokens: 'API tokens',
    tokensTitle: 'API tokens',
    tokensIntro: 'Personal tokens for scripts (Authorization: Bearer …). A token lasts at most a year and can be revoked at any time.',
    noTokens: 'You have no API tokens.',
    colName: 'Name',
    colCreated: 'Created',
    colExpires: 'Expires',
    colLastUsed: 'Last used',
    colState: 'State',
    live: 'Valid',
    revoked: 'Revoked',
    expired: 'Expired',
    never: 'Never',
    revoke: 'Revoke',
    newToken: 'New API token',
    name: 'Name (what is it for?)',
    days: 'Valid for days (1-365)',
    create: 'Create token',
    created: 'The token is created. Copy it now: it is not shown again.',
    tokenRevoked: 'The token is revoked.',
    colStatus: 'Status',
    active: 'Active',
    disabled: 'Disabled',
    disable: 'Disable (ends sessions and tokens)',
    enable: 'Enable again',
  },
} satisfies Record<Locale, Record<string, string>>;

export const tokenTexts = (ctx: ConsoleContext) => TEXTS[ctx.locale];

export function tokensPage(
  ctx: ConsoleContext,
  tokens: TokenInfoDto[],
  timeZone: string,
  o: { flash?: string; newToken?: string; errors?: FieldError[]; values?: Record<string, string> } = {},
): string {
  const x = tokenTexts(ctx);
  const now = Date.now();
  const state = (tk: TokenInfoDto) => (tk.revokedAt ? x.revoked : Date.parse(tk.expiresAt) <= now ? x.expired : x.live);
  const when = (iso: string | null) => (iso ? formatDateTime(iso, ctx.locale, timeZone) : x.never);
  return consoleLayout(
    ctx,
    x.tokensTitle,
    html`${errors(ctx, o.errors ?? [])}
${o.newToken ? html`<div class="notice" role="status"><p>${x.created}</p><p><code id="new-token">${o.newToken}</code></p></div>` : ''}
<p>${x.tokensIntro}</p>
${tokens.length === 0
  ? html`<p>${x.noTokens}</p>`
  : table(
      [x.colName, x.colCreated, x.colExpires, x.colLastUsed, x.colState, ''],
      tokens.map((tk) => [
        tk.name,
        when(tk.createdAt),
        when(tk.expiresAt),
        when(tk.lastUsedAt),
        state(tk),
        state(tk) === x.live
          ? html`<form method="post" action="/console/noegler/${tk.id}/tilbagekald" class="inline">${csrf(ctx)}
<button type="submit" class="secondary">${x.revoke}</button></form>`
          : '',
      ]),
    )}
<h2>${x.newToken}</h2>
<form method="post" action="/console/noegler" novalidate>${csrf(ctx)}
${field({ name: 'name', label: x.name, value: o.values?.name, errors: o.errors, required: true })}
${field({ name: 'expiresInDays', label: x.days, value: o.values?.expiresInDays ?? '90', errors: o.errors, required: true })}
<button type="submit">${x.create}</button></form>`,
    { flash: o.flash },
  );
}
