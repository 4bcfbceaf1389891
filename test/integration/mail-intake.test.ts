import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { MailIntakeService } from '../../src/mail-intake/mail-intake.service.js';
import { NoticesService } from '../../src/notices/notices.service.js';
import { unique } from '../factories/factories.js';
import { startImapServer, type ImapServer } from '../support/imap-server.js';
import { bounceMail, HELPLINE_SUBJECT, htmlOnlyMail, mailWithAttachment, NETWORK_SUBJECT, plainMail } from '../support/request-mails.js';
import { startSmtpSink, type SmtpSink } from '../support/smtp-sink.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

let imap: ImapServer;
let sink: SmtpSink;
let t: TestApp;

beforeAll(async () => {
  imap = await startImapServer();
  sink = await startSmtpSink();
  t = await startTestApp({ IMAP_URL: imap.url(), SMTP_URL: sink.url, MAIL_FROM: 'Sjældne Diagnoser <no-reply@listebud.example>' });
});
afterAll(async () => {
  await t?.close();
  await sink?.close();
  await imap?.stop();
});

const intake = () => t.app.get(MailIntakeService);
const address = (tag = 'p') => `${tag}-${unique()}@person.example`;

interface RequestRow {
  id: string;
  channel: string;
  name: string;
  email: string;
  source: string;
  state: string;
  refreshed_at: Date | null;
}
const requestsOf = (email: string): Promise<RequestRow[]> =>
  t.dataSource.query('SELECT * FROM access_request WHERE email = $1 ORDER BY created_at', [email]);
const count = async (sql: string, params: unknown[] = []) => ((await t.dataSource.query(sql, params)) as { n: number }[])[0].n;
const subjectsIn = async (folder: string) => (await imap.mails(folder)).map((m) => m.subject);

describe('access requests by e-mail', () => {
  it('turns both seed subjects and their variants into email requests named by the first line, and moves them', async () => {
    const a = address('a');
    const b = address('b');
    const c = address('c');
    const d = address('d');
    const e = address('e');
    await imap.append(plainMail({ from: `Jens <${a}>`, subject: HELPLINE_SUBJECT, body: 'Jens Hansen\r\n' }));
    const variant = 'SV: VS:  anmodning om SIKKER mail med sjaeldne-netvaerket';
    await imap.append(plainMail({ from: b, subject: variant, body: '\r\n\r\n   Karen \t Jensen  \r\nIkke gemt\r\n' }));
    const html = '<html><body><p><b>Søren</b>   Ørsted</p><p>mere</p></body></html>';
    await imap.append(htmlOnlyMail({ from: c, subject: `Re: ${NETWORK_SUBJECT}`, html }));
    const long = `${'x'.repeat(250)}\r\n`;
    await imap.append(mailWithAttachment({ from: d, subject: `Fwd: ${HELPLINE_SUBJECT}`, body: long, attachmentBytes: 150_000 }));
    const replyTo = { 'Reply-To': 'someone-else@elsewhere.example' };
    await imap.append(plainMail({ from: e, subject: HELPLINE_SUBJECT, body: 'Eva Eriksen', headers: replyTo }));

    const mark = imap.logMark();
    const result = await intake().runOnce();
    expect(result).toMatchObject({ matched: 5, requests: 5, skipped: 0 });

    const jens = { channel: 'Helpline', name: 'Jens Hansen', source: 'email', state: 'pending' };
    expect(await requestsOf(a)).toEqual([expect.objectContaining(jens)]);
    expect(await requestsOf(b)).toEqual([expect.objectContaining({ channel: 'Sjældne-netværket', name: 'Karen Jensen', source: 'email' })]);
    expect(await requestsOf(c)).toEqual([expect.objectContaining({ channel: 'Sjældne-netværket', name: 'Søren Ørsted', source: 'email' })]);
    expect(await requestsOf(d)).toEqual([expect.objectContaining({ channel: 'Helpline', name: 'x'.repeat(200) })]);
    expect(await requestsOf(e)).toEqual([expect.objectContaining({ email: e, name: 'Eva Eriksen' })]);
    expect(await t.dataSource.query(`SELECT 1 FROM access_request WHERE email LIKE 'someone-else%'`)).toEqual([]);

    expect(await subjectsIn('INBOX')).toEqual([]);
    expect(await subjectsIn('Behandlet')).toHaveLength(5);
    // The 150 kB attachment was never fetched: what was read of bodies is the text parts only.
    await imap.waitForLogouts(1, mark);
    expect(imap.fetchCounters(mark).bodyBytes).toBeLessThan(5_000);
    const received = `action = 'access_request.received' AND detail->>'source' = 'email'`;
    expect(await count(`SELECT count(*)::int AS n FROM audit_event WHERE ${received}`)).toBe(5);
  });

  it('leaves a mail that does not match where it is, unread', async () => {
    const subject = `Spørgsmål om medicin ${unique()}`;
    await imap.append(plainMail({ from: address(), subject, body: 'Hej, jeg har et spørgsmål.' }));
    await intake().runOnce();
    const inbox = await imap.mails('INBOX');
    expect(inbox.filter((m) => m.subject === subject)).toEqual([expect.objectContaining({ seen: false })]);
  });

  it('makes one request of two mails from the same address to the same channel; the newest name wins', async () => {
    const a = address('twice');
    await imap.append(plainMail({ from: a, subject: HELPLINE_SUBJECT, body: 'Anna Andersen' }));
    await intake().runOnce();
    await imap.append(plainMail({ from: a, subject: `Re: ${HELPLINE_SUBJECT}`, body: 'Anna B. Andersen' }));
    await intake().runOnce();
    const rows = await requestsOf(a);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ name: 'Anna B. Andersen', state: 'pending' });
    expect(rows[0].refreshed_at).not.toBeNull();
  });

  it('skips auto-replies, bulk mail, bounces and the organisation’s own mails, and leaves them unread', async () => {
    const senders = {
      autoSubmitted: address('auto'),
      precedence: address('bulk'),
      xAutoreply: address('xauto'),
      report: address('report'),
      returnPath: address('rp'),
    };
    const machine = (from: string, body: string, headers: Record<string, string>) =>
      plainMail({ from, subject: HELPLINE_SUBJECT, body, headers });
    await imap.append(machine(senders.autoSubmitted, 'Out of office', { 'Auto-Submitted': 'auto-replied' }));
    await imap.append(machine(senders.precedence, 'Nyhedsbrev', { Precedence: 'bulk' }));
    await imap.append(machine(senders.xAutoreply, 'Ferie', { 'X-Autoreply': 'yes' }));
    await imap.append(bounceMail({ subject: HELPLINE_SUBJECT, from: senders.report, returnPath: `<${senders.report}>` }));
    await imap.append(bounceMail({ subject: HELPLINE_SUBJECT, from: senders.returnPath, contentType: 'multipart/mixed' }));
    await imap.append(bounceMail({ subject: NETWORK_SUBJECT }));
    await imap.append(plainMail({ from: 'no-reply@listebud.example', subject: HELPLINE_SUBJECT, body: 'Vi har modtaget' }));
    await imap.append(plainMail({ from: 'Helpline <HELPLINE@sjaeldnediagnoser.dk>', subject: HELPLINE_SUBJECT, body: 'Intern' }));
    // Kept as a person's mail: Auto-Submitted: no says a human wrote it.
    const human = address('human');
    await imap.append(plainMail({ from: human, subject: HELPLINE_SUBJECT, body: 'Hanne Holm', headers: { 'Auto-Submitted': 'no' } }));

    const result = await intake().runOnce();
    expect(result).toMatchObject({ requests: 1, skipped: 8 });
    expect(await requestsOf(human)).toHaveLength(1);
    for (const sender of Object.values(senders)) expect(await requestsOf(sender)).toEqual([]);
    const ours = `email LIKE '%mx.example' OR email LIKE '%listebud.example' OR email LIKE 'helpline@%'`;
    expect(await count(`SELECT count(*)::int AS n FROM access_request WHERE ${ours}`)).toBe(0);
    const left = await imap.mails('INBOX');
    expect(left.filter((m) => m.subject === HELPLINE_SUBJECT || m.subject === NETWORK_SUBJECT)).toHaveLength(8);
    expect(left.every((m) => !m.seen)).toBe(true);
    // A second run neither answers them nor fetches them again.
    expect(await intake().runOnce()).toMatchObject({ requests: 0, skipped: 0 });
  });

  it('answers with a receipt whose subject and text carry neither the name nor the channel, marked as automatic', async () => {
    const a = address('receipt');
    await imap.append(plainMail({ from: a, subject: NETWORK_SUBJECT, body: 'Rasmus Rask' }));
    await intake().runOnce();
    await t.app.get(NoticesService).sendDue();
    const receipts = sink.mails.filter((m) => m.envelopeTo.includes(a));
    expect(receipts).toHaveLength(1);
    const [receipt] = receipts;
    expect(receipt.subject).toBe('Vi har modtaget din anmodning');
    for (const secret of ['Rasmus', 'Rask', 'Sjældne', 'netværket', 'Helpline']) {
      expect(receipt.subject).not.toContain(secret);
      expect(receipt.text).not.toContain(secret);
    }
    expect(receipt.parsed.headers.get('auto-submitted')).toBe('auto-generated');
  });

  it('keeps to the per-address limit: past it, mails get no request and no receipt and stay for staff', async () => {
    const a = address('many');
    // ACCESS_REQUESTS_PER_HOUR defaults to 5; the sixth mail in the hour is over it.
    for (let i = 0; i < 6; i++) await imap.append(plainMail({ from: a, subject: HELPLINE_SUBJECT, body: `Navn ${i}` }));
    const result = await intake().runOnce();
    expect(result).toMatchObject({ requests: 5, skipped: 1 });
    expect(await requestsOf(a)).toHaveLength(1);
    const [{ n }] = await t.dataSource.query(`SELECT count(*)::int AS n FROM outbox_mail WHERE to_address = $1`, [a]);
    expect(n).toBe(5);
  });
});
