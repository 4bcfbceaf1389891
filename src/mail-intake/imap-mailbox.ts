import { ImapFlow, type FetchMessageObject, type MessageStructureObject } from 'imapflow';
import type { ImapMailboxConfig } from '../config/app-config.js';
import { parseHeaders, SCREENING_HEADERS } from './mail-content.js';

/** What the scan reads of every mail: the envelope, never a body. */
export interface MailSummary {
  uid: number;
  subject: string | undefined;
  from: string | undefined;
  messageId: string | undefined;
}

/** What is read of a mail whose subject matched: a few headers and the body's structure. */
export interface MailScreening {
  headers: Map<string, string>;
  structure: MessageStructureObject;
}

/** The longest text part read for a name; the name is its first line, the rest is never needed. */
const TEXT_MAX_BYTES = 64 * 1024;

/**
 * One connection to the organisation's mailbox, with the folder to read selected. Every read uses
 * BODY.PEEK or the envelope, so no mail is marked as read; only a handled request mail is touched,
 * by moving it to the done folder. Behind this class so the use case stays free of IMAP details.
 */
export class ImapMailbox {
  private closed = false;

  private constructor(
    private readonly client: ImapFlow,
    readonly uidValidity: string,
    readonly folder: string,
    private readonly doneFolder: string,
  ) {
    client.on('close', () => {
      this.closed = true;
    });
  }

  static async open(config: ImapMailboxConfig, doneFolder: string): Promise<ImapMailbox> {
    const client = new ImapFlow({
      host: config.host,
      port: config.port,
      secure: config.secure,
      auth: { user: config.user, pass: config.password },
      // imapflow's own log quotes the server's replies, which can hold addresses; listebud logs codes itself.
      logger: false,
      connectionTimeout: 20_000,
      greetingTimeout: 15_000,
      socketTimeout: 5 * 60_000,
    });
    // A cut connection also emits 'error'; without a listener that would end the process.
    client.on('error', () => undefined);
    try {
      await client.connect();
      const boxes = await client.list();
      if (!boxes.some((b) => b.path === doneFolder)) await client.mailboxCreate(doneFolder);
      const mailbox = await client.mailboxOpen(config.folder);
      return new ImapMailbox(client, String(mailbox.uidValidity), config.folder, doneFolder);
    } catch (error) {
      client.close();
      throw error;
    }
  }

  get usable(): boolean {
    return !this.closed && this.client.usable;
  }

  /** Subject, sender and Message-ID of every mail in the folder, in one envelope-only FETCH. */
  async summaries(): Promise<MailSummary[]> {
    const mailbox = this.client.mailbox;
    if (!mailbox || mailbox.exists === 0) return [];
    const out: MailSummary[] = [];
    for await (const m of this.client.fetch('1:*', { uid: true, envelope: true })) {
      out.push({ uid: m.uid, subject: m.envelope?.subject, from: m.envelope?.from?.[0]?.address, messageId: m.envelope?.messageId });
    }
    return out;
  }

  async screening(uid: number): Promise<MailScreening | null> {
    const query = { headers: [...SCREENING_HEADERS], bodyStructure: true };
    const m: FetchMessageObject | false = await this.client.fetchOne(String(uid), query, { uid: true });
    if (!m || !m.bodyStructure) return null;
    return { headers: parseHeaders(m.headers?.toString('utf8') ?? ''), structure: m.bodyStructure };
  }

  /** One body part, decoded to text (transfer encoding and charset), at most TEXT_MAX_BYTES of it. */
  async text(uid: number, part: string): Promise<string> {
    const download = await this.client.download(String(uid), part, { uid: true, maxBytes: TEXT_MAX_BYTES });
    if (!download.content) return '';
    const chunks: Buffer[] = [];
    for await (const chunk of download.content) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk));
    return Buffer.concat(chunks).toString('utf8');
  }

  /**
   * False when nothing moved (the mail is already gone, e.g. moved by a reader that ran despite the
   * lease); the mail is recorded as handled, so a later run tries again and never answers twice.
   */
  async moveToDone(uid: number): Promise<boolean> {
    const moved = (await this.client.messageMove(String(uid), this.doneFolder, { uid: true })) !== false;
    // imapflow answers false also when the connection broke; that is a fault, not a mail already gone.
    if (!moved && !this.usable) throw Object.assign(new Error('The connection closed while moving a mail'), { code: 'NoConnection' });
    return moved;
  }

  /** Waits until new mail arrives (IDLE where the server offers it, else plain waiting) or `ms` pass. */
  async waitForMail(ms: number, stopped: () => boolean): Promise<void> {
    await new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        clearInterval(check);
        this.client.off('exists', done);
        this.client.off('close', done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      const check = setInterval(() => stopped() && done(), 250);
      // A new mail arrives as 'exists' during IDLE; the next command (the scan) ends the IDLE.
      this.client.on('exists', done);
      this.client.on('close', done);
      if (this.client.capabilities.has('IDLE')) this.client.idle().catch(() => undefined);
    });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    try {
      await this.client.logout();
    } catch {
      this.client.close();
    }
  }
}
