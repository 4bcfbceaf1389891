import { randomBytes } from 'node:crypto';
import { chmod, mkdir, open, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { createTransport, type Transporter } from 'nodemailer';

export interface OutgoingMail {
  /** `<id@host>`, the same on every attempt, so a receiver can drop a repeat. */
  messageId: string;
  from: string;
  to: string;
  subject: string;
  text: string;
  html: string;
  date: Date;
  /** Images the HTML shows by Content-ID (`cid:`), sent inside the mail. */
  inlineImages?: { cid: string; filename: string; contentType: string; content: Buffer }[];
}

const attachments = (mail: OutgoingMail) =>
  (mail.inlineImages ?? []).map((image) => ({ ...image, contentDisposition: 'inline' as const }));

/** Where mail goes. Behind a class so tests can swap it and keep everything else real. */
export abstract class MailTransport {
  abstract send(mail: OutgoingMail): Promise<void>;

  /** Erasure: drops any copy this transport kept of these mails. A mail already sent over SMTP is gone. */
  async forget(_mails: Pick<OutgoingMail, 'messageId' | 'date'>[]): Promise<void> {}
}

/**
 * The longest one SMTP delivery may take. The outbox lease is longer than this, so a mail whose send
 * is still running cannot be claimed by a second worker.
 */
export const SMTP_SEND_TIMEOUT_MS = 60_000;

/**
 * Every notice is written by a machine (RFC 3834): out-of-office and other auto-responders must not
 * answer it, and listebud's own mailbox reader skips mails that carry it, so two systems never
 * answer each other.
 */
const NOTICE_HEADERS = { 'Auto-Submitted': 'auto-generated' };

export class SmtpMailTransport extends MailTransport {
  private readonly transporter: Transporter;

  constructor(smtpUrl: string) {
    super();
    // nodemailer's own defaults wait minutes on a silent server; query parameters in the URL still win.
    this.transporter = createTransport({ url: smtpUrl, connectionTimeout: 20_000, greetingTimeout: 20_000, socketTimeout: 30_000 });
  }

  async send(mail: OutgoingMail): Promise<void> {
    await this.transporter.sendMail({
      messageId: mail.messageId,
      from: mail.from,
      to: mail.to,
      subject: mail.subject,
      text: mail.text,
      html: mail.html,
      date: mail.date,
      headers: NOTICE_HEADERS,
      attachments: attachments(mail),
      signal: AbortSignal.timeout(SMTP_SEND_TIMEOUT_MS),
    });
  }
}

/**
 * Without SMTP_URL mails land as `.eml` files under `<DATA_DIR>/outbox/`, so someone trying the app
 * sees what would have been sent. The name is fixed by the mail's date and Message-ID, so a retry
 * replaces the file instead of adding a second one.
 */
export class EmlFileMailTransport extends MailTransport {
  private readonly composer = createTransport({ streamTransport: true, buffer: true });
  readonly directory: string;

  constructor(dataDir: string) {
    super();
    this.directory = join(dataDir, 'outbox');
  }

  static fileName(mail: Pick<OutgoingMail, 'messageId' | 'date'>): string {
    const date = mail.date.toISOString().replace(/:/g, '');
    const id = mail.messageId.replace(/^<|>$/g, '').replace(/[^A-Za-z0-9@._-]/g, '_');
    return `${date}-${id}.eml`;
  }

  /** The `.eml` files hold the address: erasure deletes them. */
  override async forget(mails: Pick<OutgoingMail, 'messageId' | 'date'>[]): Promise<void> {
    for (const mail of mails) await rm(join(this.directory, EmlFileMailTransport.fileName(mail)), { force: true });
  }

  async send(mail: OutgoingMail): Promise<void> {
    const info = await this.composer.sendMail({
      messageId: mail.messageId,
      from: mail.from,
      to: mail.to,
      subject: mail.subject,
      text: mail.text,
      html: mail.html,
      date: mail.date,
      headers: NOTICE_HEADERS,
      attachments: attachments(mail),
    });
    await mkdir(this.directory, { recursive: true, mode: 0o700 });
    const target = join(this.directory, EmlFileMailTransport.fileName(mail));
    // Written under a temporary name and renamed into place: a reader never sees half a mail.
    const temporary = join(this.directory, `.${randomBytes(6).toString('hex')}.tmp`);
    const file = await open(temporary, 'wx', 0o600);
    try {
      await file.writeFile(info.message as Buffer);
      await file.sync();
    } catch (error) {
      await file.close();
      await rm(temporary, { force: true });
      throw error;
    }
    await file.close();
    // The mode given to open() is reduced by the umask; these files hold addresses and links.
    await chmod(temporary, 0o600);
    await rename(temporary, target);
  }
}
