import { html } from '../../common/web/html.js';
import { csrfField, errorSummary, field, layout, type FieldError, type PageContext } from './layout.js';

/** `next`: the checked local page to return to after login (see return-path.ts), carried in the form. */
export function loginPage(ctx: PageContext, o: { email?: string; errors?: FieldError[]; message?: string; next?: string } = {}): string {
  const { t } = ctx;
  const errors = o.errors ?? [];
  return layout(
    ctx,
    t.loginTitle,
    html`${errorSummary(ctx, errors)}
<p>${t.loginIntro}</p>
<form method="post" action="/portal/login" novalidate>
${csrfField(ctx)}
${o.next ? html`<input type="hidden" name="next" value="${o.next}">` : ''}
${field({ name: 'email', label: t.email, type: 'email', value: o.email, autocomplete: 'username', errors, required: true })}
${field({ name: 'password', label: t.password, type: 'password', autocomplete: 'current-password', errors, required: true })}
<button type="submit">${t.loginButton}</button>
</form>
<p><a href="/portal/nulstil">${t.forgotLink}</a></p>
<p><a href="/portal/adgang">${t.requestLink}</a></p>`,
    { flash: o.message },
  );
}

/** A channel people can also write to by e-mail, with the exact subject the reader recognises. */
export interface MailtoChannel {
  channel: string;
  address: string;
  subject: string;
}

export function mailtoHref(c: MailtoChannel): string {
  return `mailto:${c.address}?subject=${encodeURIComponent(c.subject)}`;
}

export function accessRequestPage(
  ctx: PageContext,
  o: { channels: string[]; mailto?: MailtoChannel[]; values?: Record<string, string>; errors?: FieldError[] },
): string {
  const { t } = ctx;
  const errors = o.errors ?? [];
  const values = o.values ?? {};
  const channelError = errors.find((e) => e.field === 'channel');
  return layout(
    ctx,
    t.requestTitle,
    html`${errorSummary(ctx, errors)}
<p>${t.requestIntro}</p>
<form method="post" action="/portal/adgang" novalidate>
${csrfField(ctx)}
<fieldset class="field${channelError ? ' has-error' : ''}"${channelError ? html` aria-describedby="channel-error"` : ''}>
<legend>${t.channel}</legend>
${channelError ? html`<p class="error" id="channel-error">${channelError.message}</p>` : ''}
${o.channels.map(
  (c, i) => html`<div class="choice"><input type="radio" name="channel" id="${i === 0 ? 'channel' : `channel-${i}`}" value="${c}"${values.channel === c ? html` checked` : ''}><label for="${i === 0 ? 'channel' : `channel-${i}`}">${c}</label></div>`,
)}
</fieldset>
${field({ name: 'name', label: t.fullName, value: values.name, autocomplete: 'name', errors, required: true })}
${field({ name: 'email', label: t.email, type: 'email', value: values.email, autocomplete: 'email', errors, required: true })}
<div class="hp" aria-hidden="true"><label for="website">${t.honeypot}</label><input id="website" name="website" type="text" tabindex="-1" autocomplete="off"></div>
<button type="submit">${t.send}</button>
</form>
${o.mailto?.length ? mailtoSection(ctx, o.mailto) : ''}`,
  );
}

function mailtoSection(ctx: PageContext, channels: MailtoChannel[]) {
  const { t } = ctx;
  return html`<section class="by-mail" aria-labelledby="by-mail-title">
<h2 id="by-mail-title">${t.requestByMailTitle}</h2>
<p>${t.requestByMail}</p>
<ul>
${channels.map(
  (c) =>
    html`<li><a href="${mailtoHref(c)}">${t.requestByMailLink.replace('{channel}', c.channel)}</a>
(${c.address}, ${t.requestByMailSubject.toLowerCase()}: “${c.subject}”)</li>`,
)}
</ul>
</section>`;
}

/** A page with a heading and one paragraph (confirmations, invalid links, errors). */
type Link = { href: string; label: string };

export function messagePage(ctx: PageContext, title: string, text: string, link?: Link | Link[]): string {
  const links = link === undefined ? [] : Array.isArray(link) ? link : [link];
  return layout(ctx, title, html`<p>${text}</p>${links.map((l) => html`<p><a href="${l.href}">${l.label}</a></p>`)}`);
}

/** The form behind an activation or reset link; the token travels in the form, not in a query. */
export function choosePasswordPage(ctx: PageContext, o: { purpose: 'activation' | 'password_reset'; token: string; errors?: FieldError[] }): string {
  const { t } = ctx;
  const errors = o.errors ?? [];
  const action = o.purpose === 'activation' ? `/portal/aktiver/${o.token}` : `/portal/nulstil/${o.token}`;
  return layout(
    ctx,
    o.purpose === 'activation' ? t.activateTitle : t.resetTitle,
    html`${errorSummary(ctx, errors)}
<p>${o.purpose === 'activation' ? t.activateIntro : t.resetIntro}</p>
<form method="post" action="${action}" novalidate>
${csrfField(ctx)}
${field({ name: 'password', label: t.password, type: 'password', hint: t.passwordHint, autocomplete: 'new-password', errors, required: true })}
${field({ name: 'passwordRepeat', label: t.passwordRepeat, type: 'password', autocomplete: 'new-password', errors, required: true })}
<button type="submit">${o.purpose === 'activation' ? t.activateButton : t.resetButton}</button>
</form>`,
  );
}

export function forgotPasswordPage(ctx: PageContext, o: { email?: string; errors?: FieldError[] } = {}): string {
  const { t } = ctx;
  const errors = o.errors ?? [];
  return layout(
    ctx,
    t.forgotTitle,
    html`${errorSummary(ctx, errors)}
<p>${t.forgotIntro}</p>
<form method="post" action="/portal/nulstil" novalidate>
${csrfField(ctx)}
${field({ name: 'email', label: t.email, type: 'email', value: o.email, autocomplete: 'email', errors, required: true })}
<button type="submit">${t.send}</button>
</form>`,
  );
}

/** The second step of a login with two-step login on. */
export function codePage(ctx: PageContext, o: { errors?: FieldError[]; next?: string } = {}): string {
  const { t } = ctx;
  const errors = o.errors ?? [];
  return layout(
    ctx,
    t.codeTitle,
    html`${errorSummary(ctx, errors)}
<p>${t.codeIntro}</p>
<form method="post" action="/portal/kode" novalidate>
${csrfField(ctx)}
${o.next ? html`<input type="hidden" name="next" value="${o.next}">` : ''}
${field({ name: 'code', label: t.totpCode, autocomplete: 'one-time-code', errors, required: true })}
<button type="submit">${t.codeButton}</button>
</form>`,
  );
}
