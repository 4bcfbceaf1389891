import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../support/run-cli.js';
import { freePort, startService, startServiceExpectingFailure, type ServiceProcess } from '../support/service-process.js';

/** What a DATA_DIR looks like after start-up, after a crash, and when it is not safe to use. */
const dirs: string[] = [];
const services: ServiceProcess[] = [];
const freshDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'lb-rec-'));
  dirs.push(dir);
  return dir;
};
const PGDATA = 'pgdata-15';
const root = process.getuid?.() === 0;

afterAll(async () => {
  for (const s of services) await s.stop('SIGKILL');
  for (const dir of dirs) {
    const pid = postmasterPid(dir);
    if (pid && alive(pid)) process.kill(pid, 'SIGQUIT');
    rmSync(dir, { recursive: true, force: true });
  }
});

function postmasterPid(dataDir: string): number | undefined {
  try {
    return Number(readFileSync(join(dataDir, PGDATA, 'postmaster.pid'), 'utf8').split('\n')[0]);
  } catch {
    return undefined;
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function start(dataDir: string): Promise<ServiceProcess> {
  const service = await startService({ DATA_DIR: dataDir }, 120_000);
  services.push(service);
  return service;
}

/** Every file and folder under a path with its mode, for the permission checks. */
function walk(path: string, out: Array<{ path: string; mode: number; dir: boolean }> = []) {
  for (const name of readdirSync(path)) {
    const full = join(path, name);
    const st = statSync(full, { throwIfNoEntry: false });
    if (!st) continue; // a file the server removed meanwhile
    out.push({ path: full, mode: st.mode & 0o777, dir: st.isDirectory() });
    if (st.isDirectory()) walk(full, out);
  }
  return out;
}

describe('embedded database: DATA_DIR permissions (issue 12, item 15)', () => {
  let dataDir: string;
  beforeAll(() => {
    dataDir = `${freshDir()}-var`; // not created yet: the service creates it
    dirs.push(dataDir);
  });

  it('creates DATA_DIR owner-only and keeps every database file away from other users', async () => {
    const service = await start(dataDir);
    const st = statSync(dataDir);
    // As root the database runs as the user postgres, whose group may only pass through (0710).
    expect((st.mode & 0o777).toString(8)).toBe(root ? '710' : '700');
    const entries = walk(dataDir);
    expect(entries.some((e) => e.path.includes(PGDATA))).toBe(true);
    const open = entries.filter((e) => (e.mode & 0o077) !== 0 && !e.path.endsWith('.s.PGSQL.5432'));
    expect(open.map((e) => `${e.path} ${e.mode.toString(8)}`)).toEqual([]);
    expect(await service.stop('SIGTERM')).toBe(0);
  }, 150_000);

  it('refuses a DATA_DIR that other users can write, and names the fix', async () => {
    chmodSync(dataDir, 0o777);
    const failed = await startServiceExpectingFailure({ DATA_DIR: dataDir, PORT: '0' });
    expect(failed.code).toBe(1);
    expect(failed.output).toContain('can be written by other users');
    expect(failed.output).toContain(`chmod 700 ${dataDir}`);
    chmodSync(dataDir, 0o775);
    expect((await startServiceExpectingFailure({ DATA_DIR: dataDir, PORT: '0' })).output).toContain('can be written by other users');
    expect(existsSync(join(dataDir, 'listebud.lock'))).toBe(false);
    const cli = await runCli(['audit:verify'], { DATA_DIR: dataDir });
    expect(cli.code).toBe(1);
    expect(cli.stderr).toContain('can be written by other users');
  }, 60_000);

  it('tightens a DATA_DIR others could only read, and starts', async () => {
    chmodSync(dataDir, 0o755);
    const service = await start(dataDir);
    expect((statSync(dataDir).mode & 0o077).toString(8)).toBe(root ? '10' : '0');
    expect(await service.stop('SIGTERM')).toBe(0);
  }, 150_000);
});

describe('embedded database: recovery', () => {
  it('as root, says clearly when the database user cannot reach DATA_DIR', async () => {
    const dataDir = join(freshDir(), 'var'); // under a 0700 folder of the user running the tests
    if (!root) {
      expect(await (await start(dataDir)).stop('SIGTERM')).toBe(0);
      return;
    }
    const failed = await startServiceExpectingFailure({ DATA_DIR: dataDir, PORT: '0' });
    expect(failed.code).toBe(1);
    expect(failed.output).toContain(`that user cannot pass through ${join(dataDir, '..')} to reach DATA_DIR`);
    expect(existsSync(join(dataDir, 'listebud.lock'))).toBe(false);
  }, 150_000);

  it('recovers after the service was killed and left its database server running', async () => {
    const dataDir = freshDir();
    const killed = await start(dataDir);
    const orphan = postmasterPid(dataDir)!;
    expect(alive(orphan)).toBe(true);
    await killed.stop('SIGKILL');
    expect(alive(orphan)).toBe(true); // SIGKILL gives listebud no chance to stop its server

    const next = await start(dataDir);
    expect(alive(orphan)).toBe(false);
    expect(postmasterPid(dataDir)).not.toBe(orphan);
    expect(next.output()).toContain('left running by a listebud process that ended abnormally');
    expect(await (await fetch(`${next.baseUrl}/health`)).json()).toMatchObject({ status: 'ok', database: 'embedded' });
    expect(await next.stop('SIGTERM')).toBe(0);
    expect(postmasterPid(dataDir)).toBeUndefined();
  }, 300_000);

  it('starts over a stale postmaster.pid whose pid now belongs to another process', async () => {
    const dataDir = freshDir();
    expect(await (await start(dataDir)).stop('SIGTERM')).toBe(0);
    // After a reboot or in a new container the old pid is often some other live process: here, jest.
    const pidFile = join(dataDir, PGDATA, 'postmaster.pid');
    const lines = [process.pid, join(dataDir, PGDATA), 1700000000, 5432, join(dataDir, 'run'), '', '  5432001   32768', 'ready   '];
    writeFileSync(pidFile, `${lines.join('\n')}\n`);
    const next = await start(dataDir);
    expect(next.output()).toContain('stale postmaster.pid');
    expect(await next.stop('SIGTERM')).toBe(0);
  }, 300_000);

  it('stops its database server when start-up fails later (the HTTP port is taken)', async () => {
    const dataDir = freshDir();
    const port = await freePort();
    const blocker: Server = createServer();
    await new Promise<void>((r) => blocker.listen(port, r));
    try {
      const failed = await startServiceExpectingFailure({ DATA_DIR: dataDir, PORT: String(port) });
      expect(failed.code).toBe(1);
      expect(existsSync(join(dataDir, PGDATA, 'PG_VERSION'))).toBe(true); // the database did start
      expect(postmasterPid(dataDir)).toBeUndefined(); // and was stopped again
      expect(existsSync(join(dataDir, 'listebud.lock'))).toBe(false);
    } finally {
      blocker.close();
    }
  }, 150_000);

  it('refuses the PGlite database of an older version and says what to do, changing nothing', async () => {
    const dataDir = freshDir();
    mkdirSync(join(dataDir, 'pgdata'));
    writeFileSync(join(dataDir, 'pgdata', 'PG_VERSION'), '18\n');
    const failed = await startServiceExpectingFailure({ DATA_DIR: dataDir, PORT: '0' });
    expect(failed.code).toBe(1);
    expect(failed.output).toContain('older listebud (PGlite)');
    expect(failed.output).toContain(`mv ${join(dataDir, 'pgdata')} ${join(dataDir, 'pgdata')}-pglite-old`);
    expect(readdirSync(dataDir).sort()).toEqual(['pgdata']);
  }, 60_000);
});
