import { randomBytes } from 'node:crypto';

/** Builders of the raw mails people (and machines) send to the organisation's mailbox. */

export const HELPLINE_SUBJECT = 'Anmodning om sikker mail med Helpline';
export const NETWORK_SUBJECT = 'Anmodning om sikker mail med Sjældne-netværket';

const encodeSubject = (subject: string) =>
  /^[\x20-\x7e]*$/.test(subject) ? subject : `=?UTF-8?B?${Buffer.from(subject).toString('base64')}?=`;

export const messageId = () => `<${randomBytes(8).toString('hex')}@sender.example>`;

export function plainMail(o: { from: string; subject: string; body: string; headers?: Record<string, string> }): string {
  return [
    `From: ${o.from}`,
    'To: helpline@sjaeldnediagnoser.dk',
    `Subject: ${encodeSubject(o.subject)}`,
    `Message-ID: ${messageId()}`,
    'Date: Fri, 04 Dec 2026 10:00:00 +0100',
    'MIME-Version: 1.0',
    ...Object.entries(o.headers ?? {}).map(([k, v]) => `${k}: ${v}`),
    'Content-Type: text/plain; charset=utf-8',
    'Content-Transfer-Encoding: 8bit',
    '',
    o.body,
  ].join('\r\n');
}

export function htmlOnlyMail(o: { from: string; subject: string; html: string }): string {
  return [
    `From: ${o.from}`,
    `Subject: ${encodeSubject(o.subject)}`,
    `Message-ID: ${messageId()}`,
    'MIME-Version: 1.0',
    'Content-Type: text/html; charset=utf-8',
    'Content-Transfer-Encoding: quoted-printable',
    '',
    o.html.replace(/=/g, '=3D').replace(/ø/g, '=C3=B8'),
  ].join('\r\n');
}

/** A text part followed by an attachment of `attachmentBytes` bytes (which the reader must never fetch). */
export function mailWithAttachment(o: { from: string; subject: string; body: string; attachmentBytes: number }): string {
  const boundary = `b-${randomBytes(6).toString('hex')}`;
  const attachment = randomBytes(o.attachmentBytes).toString('base64').replace(/.{76}/g, '$&\r\n');
  return [
    `From: ${o.from}`,
    `Subject: ${encodeSubject(o.subject)}`,
    `Message-ID: ${messageId()}`,
    'MIME-Version: 1.0',
    `Content-Type: multipart/mixed; boundary="${boundary}"`,
    '',
    `--${boundary}`,
    'Content-Type: text/plain; charset=utf-8',
    '',
    o.body,
    `--${boundary}`,
    'Content-Type: application/pdf; name="journal.pdf"',
    'Content-Disposition: attachment; filename="journal.pdf"',
    'Content-Transfer-Encoding: base64',
    '',
    attachment,
    `--${boundary}--`,
    '',
  ].join('\r\n');
}

/** A delivery status notification (RFC 3464), as a mail server sends for an undeliverable mail. */
export function bounceMail(o: { subject: string; from?: string; returnPath?: string; contentType?: string }) {
  const boundary = `r-${randomBytes(6).toString('hex')}`;
  return [
    `Return-Path: ${o.returnPath ?? '<>'}`,
    `From: ${o.from ?? 'Mail Delivery System <MAILER-DAEMON@mx.example>'}`,
    `Subject: ${encodeSubject(o.subject)}`,
    `Message-ID: ${messageId()}`,
    'MIME-Version: 1.0',
    `Content-Type: ${o.contentType ?? 'multipart/report'}; report-type=delivery-status; boundary="${boundary}"`,
    '',
    `--${boundary}`,
    'Content-Type: text/plain',
    '',
    'Mail Delivery System',
    `--${boundary}`,
    'Content-Type: message/delivery-status',
    '',
    'Reporting-MTA: dns; mx.example',
    `--${boundary}--`,
    '',
  ].join('\r\n');
}
