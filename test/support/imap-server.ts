import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, chownSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { ImapFlow } from 'imapflow';
import { freePort } from './service-process.js';

/** A mail as the test sees it in the server, read without touching its flags. */
export interface StoredMail {
  uid: number;
  subject: string | undefined;
  seen: boolean;
}

export interface ImapServer {
  port: number;
  user: string;
  password: string;
  /** `imap://user:password@127.0.0.1:port/INBOX`, for IMAP_URL; `port` may point at a proxy instead. */
  url(port?: number): string;
  /** Puts a raw RFC 5322 mail into a folder with IMAP APPEND, as a delivery would. */
  append(raw: string, folder?: string): Promise<void>;
  appendMany(raws: string[], folder?: string): Promise<void>;
  /** The mails of a folder (empty when the folder does not exist). */
  mails(folder?: string): Promise<StoredMail[]>;
  /** Sum of Dovecot's per-session counters (imap_logout_format) logged since `since` (see `logMark`). */
  fetchCounters(since?: number): { sessions: number; headerFetches: number; bodyFetches: number; bodyBytes: number };
  logMark(): number;
  /** Waits until `n` sessions have logged out since `since`. */
  waitForLogouts(n: number, since?: number): Promise<void>;
  /** Waits until every session that logged in has logged out (so a mark taken next counts only new ones). */
  waitForIdle(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Debian's Dovecot, started for one test file: a temporary config, mail folder and one user from a
 * passwd-file with a plaintext password (no system users), listening on a free loopback port in the
 * foreground (`dovecot -F -c`) as a child of the test. Root (CI) runs the mail processes as nobody,
 * since Dovecot refuses uid 0 for mail; anyone else runs everything as themselves.
 */
export async function startImapServer(): Promise<ImapServer> {
  const dir = mkdtempSync(join(tmpdir(), 'lb-imap-'));
  const port = await freePort();
  const user = 'intake';
  const password = randomBytes(12).toString('hex');
  const asRoot = process.getuid?.() === 0;
  const mailUid = asRoot ? 65534 : process.getuid!();
  const mailGid = asRoot ? 65534 : process.getgid!();
  // Dovecot's auth process (user dovecot) reads the passwd-file, and the mail processes run as nobody.
  chmodSync(dir, 0o711);
  for (const sub of ['run', 'state', 'mail']) mkdirSync(join(dir, sub));
  if (asRoot) chownSync(join(dir, 'mail'), mailUid, mailGid);
  writeFileSync(join(dir, 'passwd'), `${user}:{PLAIN}${password}\n`);
  const me = userInfo().username;
  writeFileSync(
    join(dir, 'dovecot.conf'),
    `base_dir = ${dir}/run
state_dir = ${dir}/state
log_path = ${dir}/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
first_valid_uid = 1
${asRoot ? '' : `default_internal_user = ${me}\ndefault_login_user = ${me}\ndefault_internal_group = ${me}\n`}
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%u ${dir}/passwd
}
userdb {
  driver = static
  args = uid=${mailUid} gid=${mailGid} home=${dir}/mail/%u
}
mail_location = maildir:~/Maildir
imap_logout_format = counters fetch_hdr_count=%{fetch_hdr_count} fetch_body_count=%{fetch_body_count} fetch_body_bytes=%{fetch_body_bytes}
service imap-login {
  chroot =
  inet_listener imap {
    address = 127.0.0.1
    port = ${port}
  }
  inet_listener imaps {
    port = 0
  }
}
service anvil {
  chroot =
}
`,
  );
  const child: ChildProcess = spawn('dovecot', ['-F', '-c', join(dir, 'dovecot.conf')], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  await waitForPort(port, () => (child.exitCode !== null ? `dovecot exited: ${output}` : null));

  const log = () => {
    try {
      return readFileSync(join(dir, 'dovecot.log'), 'utf8');
    } catch {
      return '';
    }
  };
  const url = (p = port) => `imap://${user}:${password}@127.0.0.1:${p}/INBOX`;
  const client = async () => {
    const c = new ImapFlow({ host: '127.0.0.1', port, secure: false, auth: { user, pass: password }, logger: false });
    c.on('error', () => undefined);
    await c.connect();
    return c;
  };
  const appendMany = async (raws: string[], folder = 'INBOX') => {
    const c = await client();
    try {
      for (const raw of raws) await c.append(folder, raw.replace(/\r?\n/g, '\r\n'));
    } finally {
      await c.logout();
    }
  };
  const counterLines = (since: number) => log().slice(since).split('\n').filter((l) => l.includes('counters fetch_hdr_count='));

  return {
    port,
    user,
    password,
    url,
    append: (raw, folder = 'INBOX') => appendMany([raw], folder),
    appendMany,
    async mails(folder = 'INBOX') {
      const c = await client();
      try {
        if (!(await c.list()).some((b) => b.path === folder)) return [];
        const box = await c.mailboxOpen(folder, { readOnly: true });
        if (box.exists === 0) return [];
        const out: StoredMail[] = [];
        for await (const m of c.fetch('1:*', { uid: true, envelope: true, flags: true })) {
          out.push({ uid: m.uid, subject: m.envelope?.subject, seen: m.flags?.has('\\Seen') ?? false });
        }
        return out;
      } finally {
        await c.logout();
      }
    },
    logMark: () => log().length,
    fetchCounters(since = 0) {
      const sum = { sessions: 0, headerFetches: 0, bodyFetches: 0, bodyBytes: 0 };
      for (const line of counterLines(since)) {
        const n = (key: string) => Number(new RegExp(`${key}=(\\d+)`).exec(line)?.[1] ?? 0);
        sum.sessions += 1;
        sum.headerFetches += n('fetch_hdr_count');
        sum.bodyFetches += n('fetch_body_count');
        sum.bodyBytes += n('fetch_body_bytes');
      }
      return sum;
    },
    async waitForIdle() {
      // Every session that logged in has logged out, and no logout has come for a second (a client's
      // LOGOUT can reach Dovecot's log well after the client moved on).
      const logins = () => log().split('\n').filter((l) => l.includes('Login:')).length;
      let seen = -1;
      for (let i = 0; i < 40; i++) {
        const now = counterLines(0).length;
        if (now === seen && now >= logins()) return;
        seen = now;
        await new Promise((r) => setTimeout(r, 500));
      }
    },
    async waitForLogouts(n, since = 0) {
      for (let i = 0; i < 100 && counterLines(since).length < n; i++) await new Promise((r) => setTimeout(r, 50));
    },
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function waitForPort(port: number, failed: () => string | null): Promise<void> {
  for (let i = 0; i < 200; i++) {
    const problem = failed();
    if (problem) throw new Error(problem);
    const ok = await new Promise<boolean>((resolve) => {
      const s = connect(port, '127.0.0.1');
      s.once('connect', () => {
        s.destroy();
        resolve(true);
      });
      s.once('error', () => resolve(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`dovecot did not listen on ${port}`);
}

export interface CuttingProxy {
  port: number;
  /** Cut every connection the next time data matching `when` passes (once), or never (null). */
  cutWhen(when: { fromServer?: string; fromClient?: string } | null): void;
  /** How many connections were cut. */
  cuts: number;
  close(): Promise<void>;
}

/**
 * A TCP proxy in front of the IMAP server that destroys the connection in the middle of the traffic
 * the test names (e.g. when the server starts sending a body part, or the client sends MOVE): the
 * connection cut in the middle of a fetch, as a network would.
 */
export async function startCuttingProxy(targetPort: number): Promise<CuttingProxy> {
  let rule: { fromServer?: string; fromClient?: string } | null = null;
  const sockets = new Set<Socket>();
  const proxy: CuttingProxy = {
    port: 0,
    cuts: 0,
    cutWhen(when) {
      rule = when;
    },
    close: () => {
      for (const s of sockets) s.destroy();
      return new Promise((r) => server.close(() => r()));
    },
  };
  const server: Server = createServer((downstream) => {
    const upstream = connect(targetPort, '127.0.0.1');
    sockets.add(downstream).add(upstream);
    const cut = () => {
      rule = null;
      proxy.cuts += 1;
      downstream.destroy();
      upstream.destroy();
    };
    upstream.on('data', (chunk: Buffer) => {
      if (rule?.fromServer && chunk.toString('latin1').includes(rule.fromServer)) {
        // Deliver part of the chunk, then cut: the client is in the middle of reading it.
        downstream.write(chunk.subarray(0, Math.floor(chunk.length / 2)), () => cut());
        return;
      }
      downstream.write(chunk);
    });
    downstream.on('data', (chunk: Buffer) => {
      if (rule?.fromClient && chunk.toString('latin1').includes(rule.fromClient)) return cut();
      upstream.write(chunk);
    });
    const end = () => {
      downstream.destroy();
      upstream.destroy();
      sockets.delete(downstream);
      sockets.delete(upstream);
    };
    upstream.on('close', end).on('error', end);
    downstream.on('close', end).on('error', end);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  proxy.port = (server.address() as import('node:net').AddressInfo).port;
  return proxy;
}
