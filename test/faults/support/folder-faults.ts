import { execFile } from 'node:child_process';
import { chmod, mkdir, statfs, writeFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/**
 * Makes a folder refuse new entries. chmod alone does not stop root (CI and this machine run the
 * suite as root), so as root the folder gets the immutable attribute (`chattr +i`, which binds root
 * too); otherwise it is made 0555. Answers how, and a function that undoes it.
 */
export async function makeReadOnly(dir: string): Promise<{ how: string; undo: () => Promise<void> }> {
  await mkdir(dir, { recursive: true });
  if (process.getuid?.() === 0) {
    await run('chattr', ['+i', dir]);
    return { how: 'chattr +i (root ignores file modes)', undo: () => run('chattr', ['-i', dir]).then(() => undefined) };
  }
  await chmod(dir, 0o555);
  return { how: 'chmod 0555', undo: () => chmod(dir, 0o700) };
}

/**
 * Mounts a small tmpfs on `dir` and fills it until `leaveFree` bytes are left, so the next writes
 * run out of space part-way. Needs mount rights (root); answers undefined when they are missing.
 */
export async function mountFullDisk(dir: string, leaveFree: number): Promise<{ free: () => Promise<number>; unfill: () => Promise<void>; unmount: () => Promise<void> } | undefined> {
  await mkdir(dir, { recursive: true });
  try {
    await run('mount', ['-t', 'tmpfs', '-o', 'size=4m,mode=0700', 'tmpfs', dir]);
  } catch {
    return undefined;
  }
  const filler = join(dir, 'filler.bin');
  const free = async () => {
    const s = await statfs(dir);
    return s.bavail * s.bsize;
  };
  await writeFile(filler, Buffer.alloc((await free()) - leaveFree));
  return {
    free,
    unfill: () => rm(filler, { force: true }),
    unmount: () => run('umount', [dir]).then(() => undefined),
  };
}
