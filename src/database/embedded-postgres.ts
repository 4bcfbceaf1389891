import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** The pg driver looks for `<dir>/.s.PGSQL.<port>`; the embedded server listens exactly there. */
const SOCKET_PORT = 5432;
/** Above any pool size the server and a concurrent CLI use together. */
const MAX_CONNECTIONS = 64;

export class DataDirInUseError extends Error {
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

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function paths(dataDir: string) {
  const root = resolve(dataDir);
  return { root, lock: join(root, 'listebud.lock'), pgdata: join(root, 'pgdata'), socketDir: join(root, 'run') };
}

/**
 * When a listebud server already runs on this DATA_DIR, its embedded database is reachable on a local
 * socket recorded in the lock file: the CLI uses that instead of opening the files a second time.
 */
export function findRunningEmbedded(dataDir: string): EmbeddedEndpoint | undefined {
  const p = paths(dataDir);
  try {
    const lock = JSON.parse(readFileSync(p.lock, 'utf8')) as LockFile;
    if (lock.pid !== process.pid && isAlive(lock.pid) && existsSync(join(lock.socketDir, `.s.PGSQL.${SOCKET_PORT}`))) {
      return { socketDir: lock.socketDir, port: SOCKET_PORT };
    }
  } catch {
    // no lock file or unreadable: nothing runs
  }
  return undefined;
}

/**
 * PGlite (PostgreSQL compiled to WASM) kept under DATA_DIR and served over a Unix socket, so the
 * ordinary `pg` driver and TypeORM use it exactly as they use a PostgreSQL server.
 */
export class EmbeddedPostgres {
  private constructor(
    private readonly db: PGlite,
    private readonly server: PGLiteSocketServer,
    private readonly lockPath: string,
    readonly endpoint: EmbeddedEndpoint,
  ) {}

  static async start(dataDir: string): Promise<EmbeddedPostgres> {
    const p = paths(dataDir);
    mkdirSync(p.root, { recursive: true, mode: 0o700 });
    mkdirSync(p.socketDir, { recursive: true, mode: 0o700 });
    acquireLock(p.lock, p.socketDir);
    try {
      const socketPath = join(p.socketDir, `.s.PGSQL.${SOCKET_PORT}`);
      if (socketPath.length > 100) throw new Error(`DATA_DIR path is too long for a Unix socket: ${socketPath}`);
      rmSync(socketPath, { force: true });
      const db = await PGlite.create(p.pgdata);
      const server = new PGLiteSocketServer({ db, path: socketPath, maxConnections: MAX_CONNECTIONS });
      await server.start();
      return new EmbeddedPostgres(db, server, p.lock, { socketDir: p.socketDir, port: SOCKET_PORT });
    } catch (error) {
      rmSync(p.lock, { force: true });
      throw error;
    }
  }

  async stop(): Promise<void> {
    await this.server.stop();
    await this.db.close();
    rmSync(this.lockPath, { force: true });
  }
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
      if (holder && isAlive(holder.pid)) throw new DataDirInUseError(holder.pid);
      rmSync(lockPath, { force: true }); // left behind by a process that died
    }
  }
  throw new Error('Could not lock the data directory');
}
