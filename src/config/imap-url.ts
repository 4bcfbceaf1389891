/** IMAP_URL: checked without ever quoting it (it holds a password), then parsed into its parts. */

/** The organisation's mailbox that access-request mails arrive in (IMAP_URL). */
export interface ImapMailboxConfig {
  host: string;
  port: number;
  /** imaps://: TLS from the start; imap://: STARTTLS when the server offers it. */
  secure: boolean;
  user: string;
  password: string;
  /** The folder read, INBOX unless the URL names one. */
  folder: string;
}

/** Answers what is wrong with an IMAP_URL without ever quoting it (it holds a password). */
export function imapUrlProblem(value: string): string | null {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return 'must be a URL such as imaps://user:password@host:993/INBOX';
  }
  if (url.protocol !== 'imap:' && url.protocol !== 'imaps:') return 'must start with imap:// or imaps://';
  if (!url.hostname) return 'must name a host';
  if (!url.username || !url.password) return 'must hold a user name and a password (imaps://user:password@host/INBOX)';
  return null;
}

export function parseImapUrl(value: string): ImapMailboxConfig {
  const url = new URL(value);
  const secure = url.protocol === 'imaps:';
  const folder = decodeURIComponent(url.pathname.replace(/^\/+/, '').replace(/\/+$/, ''));
  return {
    host: url.hostname.replace(/^\[(.*)\]$/, '$1'),
    port: url.port ? Number(url.port) : secure ? 993 : 143,
    secure,
    user: decodeURIComponent(url.username),
    password: decodeURIComponent(url.password),
    folder: folder || 'INBOX',
  };
}
