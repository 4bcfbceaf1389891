import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The command line of a process, or undefined when it cannot be read (no /proc and no `ps`). */
function commandLine(pid: number): string[] | undefined {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
  } catch {
    try {
      return execFileSync('ps', ['-o', 'args=', '-p', String(pid)], { encoding: 'utf8' }).trim().split(/\s+/);
    } catch {
      return undefined;
    }
  }
}

async function waitForExit(pid: number, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (!isAlive(pid)) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return !isAlive(pid);
}

/**
 * Called with the DATA_DIR lock held, so no live listebud process owns this database. A server
 * still running on it was left by one that died (SIGKILL, out of memory): it is stopped (fast
 * shutdown, then immediate) so this process starts its own. A pid file naming a live process that
 * is not a server on this folder (pids are reused after a reboot or in a new container) is removed,
 * since PostgreSQL would refuse to start over it. Returns what was done, for the log.
 */
export async function stopOrphanedServer(pgdata: string): Promise<string | undefined> {
  const pidFile = join(pgdata, 'postmaster.pid');
  let pid: number;
  try {
    pid = Number(readFileSync(pidFile, 'utf8').split('\n')[0]);
  } catch {
    return undefined;
  }
  if (!Number.isInteger(pid) || pid <= 0 || !isAlive(pid)) return undefined; // PostgreSQL clears a dead server's file
  const args = commandLine(pid);
  if (!args) return undefined;
  const ours = /(^|\/)postgres$/.test(args[0] ?? '') && args.includes(pgdata);
  if (!ours) {
    rmSync(pidFile, { force: true });
    return `removed a stale postmaster.pid naming pid ${pid}, which is not a database server`;
  }
  process.kill(pid, 'SIGINT');
  if (!(await waitForExit(pid, 20_000))) {
    process.kill(pid, 'SIGQUIT');
    if (!(await waitForExit(pid, 10_000))) throw new Error(`An orphaned database server (pid ${pid}) on ${pgdata} does not stop`);
  }
  return `stopped a database server (pid ${pid}) left running by a listebud process that ended abnormally`;
}
