import { simpleParser, type AddressObject, type ParsedMail } from 'mailparser';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

/** One message as it really arrived over SMTP, parsed by mailparser. */
export interface SinkMail {
  /** The Message-ID header, angle brackets included. */
  messageId: string;
  /** The From header's address and display name. */
  from: { address: string; name: string };
  /** Addresses of the To header(s). */
  to: string[];
  /** RCPT TO addresses of the SMTP envelope. */
  envelopeTo: string[];
  subject: string;
  text: string;
  html: string;
  /** The whole message as received (RFC 5322). */
  raw: string;
  parsed: ParsedMail;
}

export interface SmtpSinkOptions {
  /** Listen on this port (e.g. one from `freePort()` that the app was configured with while nothing listened). Default: any free port. */
  port?: number;
  /**
   * Answer RCPT TO for an address with an SMTP error instead of accepting it, e.g.
   * `(a) => a.startsWith('bounce-') ? { code: 550, message: `<${a}> unknown` } : undefined`.
   */
  rejectRecipient?: (address: string) => { code: number; message: string } | undefined;
  /** Called with each mail once it is stored and before the server answers 250 (the fault suite kills the sender here). */
  onMail?: (mail: SinkMail) => void;
}

export interface SmtpSink {
  port: number;
  /** `smtp://127.0.0.1:<port>`, for SMTP_URL. */
  url: string;
  /** Every mail received so far, in order of arrival. */
  mails: SinkMail[];
  /** Mails whose Message-ID is this one (to count duplicates). */
  withMessageId(messageId: string): SinkMail[];
  /** Resolves with the matching mails once at least `n` match (default: all mails); rejects after `timeoutMs`. */
  waitFor(n: number, timeoutMs?: number, where?: (mail: SinkMail) => boolean): Promise<SinkMail[]>;
  close(): Promise<void>;
}

const addresses = (header: AddressObject | AddressObject[] | undefined): string[] =>
  (Array.isArray(header) ? header : header ? [header] : []).flatMap((h) => h.value.map((v) => v.address ?? ''));

/**
 * A real SMTP server in the test process: plain SMTP on 127.0.0.1, no TLS, any or no login. A mail is
 * parsed and stored before the server answers 250, so once the sender's call returns it is in `mails`.
 */
export async function startSmtpSink(options: SmtpSinkOptions = {}): Promise<SmtpSink> {
  const mails: SinkMail[] = [];
  const waiters = new Set<() => void>();
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    secure: false,
    logger: false,
    onAuth(_auth, _session, callback) {
      callback(null, { user: 'sink' });
    },
    onRcptTo(address, _session, callback) {
      const rejection = options.rejectRecipient?.(address.address);
      if (!rejection) return callback();
      callback(Object.assign(new Error(rejection.message), { responseCode: rejection.code }));
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('error', callback);
      stream.on('end', () => {
        const raw = Buffer.concat(chunks);
        simpleParser(raw).then(
          (parsed) => {
            mails.push({
              messageId: parsed.messageId ?? '',
              from: { address: parsed.from?.value[0]?.address ?? '', name: parsed.from?.value[0]?.name ?? '' },
              to: addresses(parsed.to),
              envelopeTo: session.envelope.rcptTo.map((r) => r.address),
              subject: parsed.subject ?? '',
              text: parsed.text ?? '',
              html: typeof parsed.html === 'string' ? parsed.html : '',
              raw: raw.toString('utf8'),
              parsed,
            });
            for (const wake of [...waiters]) wake();
            options.onMail?.(mails[mails.length - 1]);
            callback();
          },
          (error: Error) => callback(error),
        );
      });
    },
  });

  await new Promise<void>((resolve, reject) => {
    const onError = (error: Error) => reject(error);
    server.once('error', onError);
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      server.off('error', onError);
      resolve();
    });
  });
  // A client that drops the connection must not crash the test process.
  server.on('error', () => undefined);
  const port = (server.server.address() as AddressInfo).port;

  return {
    port,
    url: `smtp://127.0.0.1:${port}`,
    mails,
    withMessageId: (messageId) => mails.filter((m) => m.messageId === messageId),
    waitFor(n, timeoutMs = 10_000, where = () => true) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const matching = mails.filter(where);
          if (matching.length < n) return false;
          waiters.delete(check);
          clearTimeout(timer);
          resolve(matching);
          return true;
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`SMTP sink: waited ${timeoutMs} ms for ${n} mail(s), got ${mails.filter(where).length}`));
        }, timeoutMs);
        waiters.add(check);
        check();
      });
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
