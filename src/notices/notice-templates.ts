export const NOTICE_KINDS = [
  'activation',
  'password_reset',
  'bundle_notice',
  'login_lockout',
  'access_request_receipt',
  'access_request_rejected',
] as const;
export type NoticeKind = (typeof NOTICE_KINDS)[number];

export const NOTICE_LOCALES = ['da', 'en'] as const;
export type NoticeLocale = (typeof NOTICE_LOCALES)[number];

/** What the activation mail promises; the account tokens must live exactly this long. */
export const ACTIVATION_LINK_VALID_HOURS = 72;

/**
 * Everything a notice can say. Being on a network's list can reveal a diagnosis, so there is no
 * place here for a member's or a network's name: a template cannot leak what it is never given.
 */
export interface NoticeContext {
  readonly orgName: string;
  readonly portalUrl: string;
  /** The one-time activation or reset link; only those two kinds carry one. */
  readonly link?: string;
  /** The organisation's logo (ORG_LOGO_PATH, a PNG) goes with the mail as an inline image; activation shows it. */
  readonly withLogo?: boolean;
}

/** Content-ID of the logo attached to a mail whose HTML shows it (the plain text part leaves it out). */
export const LOGO_CID = 'org-logo@listebud';

/** Kinds whose HTML shows the organisation's logo: the first mail a new member gets. */
const KINDS_WITH_LOGO: ReadonlySet<NoticeKind> = new Set<NoticeKind>(['activation']);

export interface RenderedNotice {
  subject: string;
  text: string;
  html: string;
}

/** Kinds whose mail carries a one-time link; every other kind must not. */
export const KINDS_WITH_LINK: ReadonlySet<NoticeKind> = new Set<NoticeKind>(['activation', 'password_reset']);

/** A paragraph is text and addresses; a newline in text is a line break. */
type Segment = string | { url: string };
type Paragraph = Segment[];
interface Template {
  subject: string;
  paragraphs: Paragraph[];
}
type Fill = (c: { org: string; portal: string; link: string }) => Template;

const signOff = (greeting: string, org: string, portal: string): Paragraph => [`${greeting}\n${org}\n`, { url: portal }];

// Readers are patients, some of them elderly: short, plain sentences, one thing per paragraph.
const TEMPLATES: Record<NoticeKind, Record<NoticeLocale, Fill>> = {
  activation: {
    da: ({ org, portal, link }) => ({
      subject: 'Aktivér din sikre adgang',
      paragraphs: [
        ['Hej'],
        [`${org} har oprettet en sikker adgang til dig. Der kan du læse de beskeder, vi sender til dig.`],
        ['Tryk på linket herunder for at aktivere din adgang og vælge en adgangskode:'],
        [{ url: link }],
        [`Linket virker i ${ACTIVATION_LINK_VALID_HOURS} timer og kan kun bruges én gang.`],
        ['Har du ikke bedt om adgang? Så kan du se bort fra denne mail.'],
        signOff('Venlig hilsen', org, portal),
      ],
    }),
    en: ({ org, portal, link }) => ({
      subject: 'Activate your secure access',
      paragraphs: [
        ['Hello'],
        [`${org} has set up secure access for you. There you can read the messages we send you.`],
        ['Click the link below to activate your access and choose a password:'],
        [{ url: link }],
        [`The link works for ${ACTIVATION_LINK_VALID_HOURS} hours and can only be used once.`],
        ['Did you not ask for access? Then you can ignore this e-mail.'],
        signOff('Kind regards', org, portal),
      ],
    }),
  },
  password_reset: {
    da: ({ org, portal, link }) => ({
      subject: 'Vælg en ny adgangskode',
      paragraphs: [
        ['Hej'],
        [`Du har bedt om en ny adgangskode til din sikre adgang hos ${org}.`],
        ['Tryk på linket herunder for at vælge en ny adgangskode:'],
        [{ url: link }],
        ['Linket virker kun i kort tid og kan kun bruges én gang.'],
        ['Har du ikke bedt om en ny adgangskode? Så kan du se bort fra denne mail. Din adgangskode er ikke ændret.'],
        signOff('Venlig hilsen', org, portal),
      ],
    }),
    en: ({ org, portal, link }) => ({
      subject: 'Choose a new password',
      paragraphs: [
        ['Hello'],
        [`You asked for a new password for your secure access at ${org}.`],
        ['Click the link below to choose a new password:'],
        [{ url: link }],
        ['The link only works for a limited time and can only be used once.'],
        ['Did you not ask for a new password? Then you can ignore this e-mail. Your password has not been changed.'],
        signOff('Kind regards', org, portal),
      ],
    }),
  },
  bundle_notice: {
    da: ({ org, portal }) => ({
      subject: 'Du har modtaget en sikker besked',
      paragraphs: [
        ['Hej'],
        [`Du har modtaget en sikker besked fra ${org}.`],
        ['Log ind på ', { url: portal }, ' for at læse den.'],
        ['Af hensyn til din sikkerhed står beskeden ikke i denne mail.'],
        signOff('Venlig hilsen', org, portal),
      ],
    }),
    en: ({ org, portal }) => ({
      subject: 'You have received a secure message',
      paragraphs: [
        ['Hello'],
        [`You have received a secure message from ${org}.`],
        ['Log in at ', { url: portal }, ' to read it.'],
        ['For your safety, the message itself is not in this e-mail.'],
        signOff('Kind regards', org, portal),
      ],
    }),
  },
  login_lockout: {
    da: ({ org, portal }) => ({
      subject: 'Flere forkerte forsøg på at logge ind',
      paragraphs: [
        ['Hej'],
        [`Der har været flere forkerte forsøg på at logge ind på din sikre adgang hos ${org}.`],
        ['Nye forsøg derfra skal nu vente lidt længere for hvert forkert forsøg. Du kan stadig logge ind på ', { url: portal }],
        [`Var det ikke dig, der prøvede at logge ind? Så kontakt ${org}.`],
        signOff('Venlig hilsen', org, portal),
      ],
    }),
    en: ({ org, portal }) => ({
      subject: 'Several failed attempts to log in',
      paragraphs: [
        ['Hello'],
        [`There have been several failed attempts to log in to your secure access at ${org}.`],
        ['Further attempts from there now have to wait a little longer after each failure. You can still log in at ', { url: portal }],
        [`Was it not you who tried to log in? Then please contact ${org}.`],
        signOff('Kind regards', org, portal),
      ],
    }),
  },
  // The answer to an access request by e-mail. Like every notice it names neither the person nor the
  // channel they wrote to (the channel can say which network, and so which diagnosis).
  access_request_receipt: {
    da: ({ org, portal }) => ({
      subject: 'Vi har modtaget din anmodning',
      paragraphs: [
        ['Hej'],
        [`Vi har modtaget din anmodning om sikker adgang hos ${org}.`],
        ['Når vi har behandlet den, får du en e-mail med et link, hvor du vælger din adgangskode.'],
        ['Du behøver ikke at gøre mere nu. Har du ikke selv skrevet til os? Så kan du se bort fra denne mail.'],
        signOff('Venlig hilsen', org, portal),
      ],
    }),
    en: ({ org, portal }) => ({
      subject: 'We have received your request',
      paragraphs: [
        ['Hello'],
        [`We have received your request for secure access at ${org}.`],
        ['Once we have handled it, you get an e-mail with a link where you choose your password.'],
        ['You need not do anything more now. Did you not write to us? Then you can ignore this e-mail.'],
        signOff('Kind regards', org, portal),
      ],
    }),
  },
  // A rejected request is answered, politely and without reasons: not answering leaves people waiting.
  // As in every notice, neither the person's name nor the channel (which can say the diagnosis) appears.
  access_request_rejected: {
    da: ({ org, portal }) => ({
      subject: 'Svar på din anmodning om adgang',
      paragraphs: [
        ['Hej'],
        [`Tak for din anmodning om sikker adgang hos ${org}.`],
        ['Vi har set på den, men kan desværre ikke give dig adgang ud fra anmodningen.'],
        [`Tror du, der er sket en fejl, eller har du spørgsmål? Så er du velkommen til at kontakte ${org}.`],
        signOff('Venlig hilsen', org, portal),
      ],
    }),
    en: ({ org, portal }) => ({
      subject: 'About your request for access',
      paragraphs: [
        ['Hello'],
        [`Thank you for your request for secure access at ${org}.`],
        ['We have looked at it, but unfortunately we cannot give you access based on the request.'],
        [`Do you think this is a mistake, or do you have questions? Then you are welcome to contact ${org}.`],
        signOff('Kind regards', org, portal),
      ],
    }),
  },
};

/** Renders a notice. Throws when a link is given to a kind that must not carry one, or is missing. */
export function renderNotice(kind: NoticeKind, locale: NoticeLocale, context: NoticeContext): RenderedNotice {
  const byLocale = TEMPLATES[kind];
  if (!byLocale) throw new Error(`Unknown notice kind: ${String(kind)}`);
  const lang: NoticeLocale = locale === 'en' ? 'en' : 'da';
  const wantsLink = KINDS_WITH_LINK.has(kind);
  if (wantsLink && !context.link) throw new Error(`A ${kind} notice needs a link`);
  if (!wantsLink && context.link !== undefined) throw new Error(`A ${kind} notice must not carry a link`);
  const portal = webAddress(context.portalUrl, 'portalUrl');
  const link = context.link === undefined ? '' : webAddress(context.link, 'link');
  const template = byLocale[lang]({ org: context.orgName, portal, link });
  const logo = context.withLogo && KINDS_WITH_LOGO.has(kind) ? context.orgName : undefined;
  return { subject: template.subject, text: toText(template), html: toHtml(template, lang, logo) };
}

function webAddress(value: string, what: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new Error(`The notice's ${what} is not a URL`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new Error(`The notice's ${what} must be an http(s) URL`);
  return value;
}

function toText(template: Template): string {
  return `${template.paragraphs.map((p) => p.map((s) => (typeof s === 'string' ? s : s.url)).join('')).join('\n\n')}\n`;
}

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

function toHtml(template: Template, lang: NoticeLocale, logoAlt?: string): string {
  const paragraph = (p: Paragraph) =>
    `<p style="margin:0 0 16px 0">${p
      .map((s) => (typeof s === 'string' ? escapeHtml(s).replace(/\n/g, '<br>\n') : `<a href="${escapeHtml(s.url)}" style="color:#0b57d0">${escapeHtml(s.url)}</a>`))
      .join('')}</p>`;
  // No images, fonts or stylesheets from elsewhere: inline styles only; the logo travels in the mail.
  const image = `<img src="cid:${LOGO_CID}" alt="${escapeHtml(logoAlt ?? '')}" height="48" style="height:48px;width:auto;border:0">`;
  const logo = logoAlt === undefined ? [] : [`<p style="margin:0 0 24px 0">${image}</p>`];
  return [
    '<!DOCTYPE html>',
    `<html lang="${lang}">`,
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeHtml(template.subject)}</title>`,
    '</head>',
    '<body style="margin:0;padding:24px;background:#ffffff;color:#1a1a1a;font-family:Arial,Helvetica,sans-serif;font-size:18px;line-height:1.5">',
    ...logo,
    ...template.paragraphs.map(paragraph),
    '</body>',
    '</html>',
    '',
  ].join('\n');
}
