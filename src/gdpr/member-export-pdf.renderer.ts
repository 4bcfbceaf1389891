import PDFDocument from 'pdfkit';
import { contactListFonts } from '../rendering/pdf/pdf-fonts.js';
import type { MemberExport } from './member-export.js';

export type ExportLocale = 'da' | 'en';

const LABELS = {
  da: {
    title: 'Mine data',
    intro: 'Alt, hvad {org} har gemt om dig (indsigt efter databeskyttelsesforordningens art. 15). Samme indhold som JSON-filen.',
    partial: 'Udtrækket er lavet af en koordinator og viser kun de netværk, vedkommende arbejder i.',
    exportedAt: 'Dannet',
    contact: 'Kontaktoplysninger',
    fields: { name: 'Navn', email: 'E-mail', phone: 'Telefon', address: 'Adresse', postalCode: 'Postnummer', city: 'By', aboutMe: 'Om mig', erasedAt: 'Slettet' } as Record<string, string>,
    memberships: 'Medlemskaber',
    since: 'siden',
    statuses: { active: 'aktiv', paused: 'på pause', left: 'udmeldt' } as Record<string, string>,
    consent: 'Samtykkehistorik',
    kinds: { grant: 'Samtykke', withdrawal: 'Tilbagetrækning' } as Record<string, string>,
    channels: { portal: 'portalen', phone: 'telefon', paper: 'papir', email: 'e-mail' } as Record<string, string>,
    via: 'via',
    version: 'tekst version',
    nothingShared: 'intet delt',
    ledger: 'Hvem har modtaget mine oplysninger',
    ledgerIntro: 'Hver udgave af en kontaktliste, der viste dig: hvornår og til hvor mange modtagere.',
    recipients: 'modtagere',
    bundles: 'Mine beskeder (krypterede kontaktlister til mig)',
    bundleStates: { waiting_for_key: 'venter på nøgle', pending: 'venter', building: 'bygges', ready: 'klar', failed: 'fejlede', revoked: 'trukket tilbage', expired: 'udløbet' } as Record<string, string>,
    downloaded: 'hentet',
    expires: 'udløber',
    account: 'Portal-konto',
    activatedAt: 'Aktiveret',
    passwordChangedAt: 'Adgangskode skiftet',
    language: 'Sprog',
    totp: 'To-trins-login',
    keyFingerprint: 'Nøglens fingeraftryk',
    yes: 'til',
    no: 'fra',
    keys: 'Offentlige nøgler',
    accessRequests: 'Anmodninger om sikker adgang',
    dataRequests: 'Anmodninger om sletning',
    requestStates: { pending: 'venter', approved: 'godkendt', rejected: 'afvist', open: 'åben', done: 'gennemført' } as Record<string, string>,
    none: 'Ingen.',
    noAccount: 'Ingen konto.',
    page: 'Side {n} af {m}',
  },
  en: {
    title: 'My data',
    intro: 'Everything {org} keeps about you (access under art. 15 of the GDPR). The same content as the JSON file.',
    partial: 'This export was made by a coordinator and shows only the networks they work in.',
    exportedAt: 'Made',
    contact: 'Contact details',
    fields: { name: 'Name', email: 'E-mail', phone: 'Phone', address: 'Address', postalCode: 'Postal code', city: 'City', aboutMe: 'About me', erasedAt: 'Erased' } as Record<string, string>,
    memberships: 'Memberships',
    since: 'since',
    statuses: { active: 'active', paused: 'paused', left: 'left' } as Record<string, string>,
    consent: 'Consent history',
    kinds: { grant: 'Consent', withdrawal: 'Withdrawal' } as Record<string, string>,
    channels: { portal: 'the portal', phone: 'phone', paper: 'paper', email: 'e-mail' } as Record<string, string>,
    via: 'by',
    version: 'text version',
    nothingShared: 'nothing shared',
    ledger: 'Who received my details',
    ledgerIntro: 'Each edition of a contact list that showed you: when, and to how many recipients.',
    recipients: 'recipients',
    bundles: 'My messages (encrypted contact lists for me)',
    bundleStates: { waiting_for_key: 'waiting for a key', pending: 'waiting', building: 'building', ready: 'ready', failed: 'failed', revoked: 'revoked', expired: 'expired' } as Record<string, string>,
    downloaded: 'downloaded',
    expires: 'expires',
    account: 'Portal account',
    activatedAt: 'Activated',
    passwordChangedAt: 'Password changed',
    language: 'Language',
    totp: 'Two-step login',
    keyFingerprint: 'Key fingerprint',
    yes: 'on',
    no: 'off',
    keys: 'Public keys',
    accessRequests: 'Requests for secure access',
    dataRequests: 'Requests for erasure',
    requestStates: { pending: 'waiting', approved: 'approved', rejected: 'rejected', open: 'open', done: 'carried out' } as Record<string, string>,
    none: 'None.',
    noAccount: 'No account.',
    page: 'Page {n} of {m}',
  },
};

const FIELD_NAMES: Record<ExportLocale, Record<string, string>> = {
  da: { name: 'navn', email: 'e-mail', phone: 'telefon', address: 'adresse', postal_code: 'postnummer', city: 'by', about_me: 'om mig' },
  en: { name: 'name', email: 'e-mail', phone: 'phone', address: 'address', postal_code: 'postal code', city: 'city', about_me: 'about me' },
};

const MARGIN = 50;

/**
 * The art. 15 export as a readable PDF: the same content as the JSON file, in sections, in the
 * member's language, with DejaVu Sans (Danish and other scripts print correctly). Never stored.
 */
export async function renderMemberExportPdf(data: MemberExport, o: { locale: ExportLocale; timeZone: string; orgName: string }): Promise<Buffer> {
  const t = LABELS[o.locale];
  const fonts = contactListFonts();
  const dateFormat = new Intl.DateTimeFormat(o.locale === 'da' ? 'da-DK' : 'en-GB', { dateStyle: 'long', timeZone: o.timeZone });
  const dateTimeFormat = new Intl.DateTimeFormat(o.locale === 'da' ? 'da-DK' : 'en-GB', { dateStyle: 'long', timeStyle: 'short', timeZone: o.timeZone });
  const date = (iso: string | null) => (iso ? dateFormat.format(new Date(iso)) : '');
  const dateTime = (iso: string | null) => (iso ? dateTimeFormat.format(new Date(iso)) : '');
  const pdf = new PDFDocument({
    size: 'A4',
    margins: { top: MARGIN, bottom: MARGIN, left: MARGIN, right: MARGIN },
    bufferPages: true,
    info: { Title: `${t.title} · ${o.orgName}`, Creator: 'listebud', Producer: 'listebud', CreationDate: new Date(data.exportedAt) },
  });
  const chunks: Buffer[] = [];
  pdf.on('data', (c: Buffer) => chunks.push(c));
  const finished = new Promise<void>((resolve, reject) => {
    pdf.on('end', resolve);
    pdf.on('error', reject);
  });
  pdf.registerFont('body', fonts.regular);
  pdf.registerFont('bold', fonts.bold);
  const width = pdf.page.width - 2 * MARGIN;

  const heading = (text: string) => {
    pdf.moveDown(0.8);
    pdf.font('bold').fontSize(13).fillColor('#000000').text(text, MARGIN, pdf.y, { width });
    pdf.moveDown(0.3);
    pdf.font('body').fontSize(10);
  };
  const line = (text: string) => pdf.font('body').fontSize(10).fillColor('#000000').text(text, MARGIN, pdf.y, { width });
  const pair = (label: string, value: string | null) => {
    if (value === null || value === '') return;
    pdf.font('bold').fontSize(10).text(`${label}: `, MARGIN, pdf.y, { width, continued: true }).font('body').text(value);
  };
  const items = <T>(list: T[], describe: (item: T) => string) => {
    if (list.length === 0) return line(t.none);
    for (const item of list) {
      line(`• ${describe(item)}`);
      pdf.moveDown(0.15);
    }
  };
  const fieldList = (fields: string[]) => (fields.length ? fields.map((f) => FIELD_NAMES[o.locale][f] ?? f).join(', ') : t.nothingShared);

  pdf.font('bold').fontSize(18).text(t.title, MARGIN, MARGIN, { width });
  pdf.font('body').fontSize(10).fillColor('#333333').text(t.intro.replace('{org}', o.orgName), { width });
  if (data.scope === 'networks') pdf.text(t.partial, { width });
  pdf.text(`${t.exportedAt}: ${dateTime(data.exportedAt)}`, { width });

  heading(t.contact);
  const m = data.member;
  pair(t.fields.name, m.name);
  pair(t.fields.email, m.email);
  pair(t.fields.phone, m.phone);
  pair(t.fields.address, m.address);
  pair(t.fields.postalCode, m.postalCode);
  pair(t.fields.city, m.city);
  pair(t.fields.aboutMe, m.aboutMe);
  pair(t.fields.erasedAt, m.erasedAt ? dateTime(m.erasedAt) : null);

  heading(t.memberships);
  items(data.memberships, (ms) => `${ms.network}: ${t.statuses[ms.status] ?? ms.status}, ${t.since} ${date(ms.joinedAt)}`);

  heading(t.ledger);
  line(t.ledgerIntro);
  pdf.moveDown(0.3);
  items(data.listedInEditions, (e) => `${date(e.at)} · ${e.networkName} · ${e.listTitle} · ${e.recipientCount} ${t.recipients}`);

  heading(t.consent);
  items(
    data.consent,
    (c) =>
      `${dateTime(c.recordedAt)} · ${c.network} · ${t.kinds[c.kind] ?? c.kind}: ${fieldList(c.fields)} (${t.via} ${t.channels[c.channel] ?? c.channel}${c.consentTextVersion ? `, ${t.version} ${c.consentTextVersion}` : ''})`,
  );

  heading(t.bundles);
  items(
    data.bundles,
    (b) =>
      `${date(b.editionAt)} · ${b.networkName} · ${b.listTitle} · ${t.bundleStates[b.state] ?? b.state}${b.downloadedAt ? `, ${t.downloaded} ${date(b.downloadedAt)}` : ''}, ${t.expires} ${date(b.expiresAt)}`,
  );

  heading(t.account);
  if (!data.account) line(t.noAccount);
  else {
    pair(t.activatedAt, dateTime(data.account.activatedAt));
    pair(t.passwordChangedAt, dateTime(data.account.passwordChangedAt));
    pair(t.language, data.account.locale);
    pair(t.totp, data.account.totp ? t.yes : t.no);
    pair(t.keyFingerprint, data.account.recipientFingerprint);
  }

  heading(t.keys);
  items(data.keys, (k) => `${k.kind} (${k.source}), ${date(k.createdAt)}: ${k.recipient}`);

  heading(t.accessRequests);
  items(data.accessRequests, (r) => `${date(r.createdAt)} · ${r.channel} · ${r.name} <${r.email}> · ${t.requestStates[r.state] ?? r.state}`);

  heading(t.dataRequests);
  items(data.dataRequests, (r) => `${date(r.createdAt)} · ${t.requestStates[r.state] ?? r.state}${r.closedAt ? ` ${date(r.closedAt)}` : ''}`);

  const range = pdf.bufferedPageRange();
  for (let i = range.start; i < range.start + range.count; i++) {
    pdf.switchToPage(i);
    const bottom = pdf.page.margins.bottom;
    // Writing inside the bottom margin must not start a new page.
    pdf.page.margins.bottom = 0;
    pdf.font('body').fontSize(8).fillColor('#555555');
    pdf.text(t.page.replace('{n}', String(i + 1)).replace('{m}', String(range.count)), MARGIN, pdf.page.height - 30, { width, align: 'right', lineBreak: false });
    pdf.page.margins.bottom = bottom;
  }
  pdf.end();
  await finished;
  return Buffer.concat(chunks);
}
