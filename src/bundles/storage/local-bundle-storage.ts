import { randomBytes } from 'node:crypto';
import { mkdir, open, readdir, readFile, rename, rm, type FileHandle } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { assertStorageKey, BundleStorage } from './bundle-storage.js';

/** Bundles under DATA_DIR/bundles. Written to a temporary name, synced, then renamed into place. */
export class LocalBundleStorage extends BundleStorage {
  private readonly root: string;

  constructor(dataDir: string) {
    super();
    this.root = resolve(dataDir, 'bundles');
  }

  private path(key: string): string {
    assertStorageKey(key);
    return join(this.root, key);
  }

  async put(key: string, data: readonly Uint8Array[]): Promise<void> {
    const target = this.path(key);
    await mkdir(dirname(target), { recursive: true, mode: 0o700 });
    const temp = `${target}.tmp-${process.pid}-${randomBytes(6).toString('hex')}`;
    const handle = await open(temp, 'wx', 0o600);
    try {
      await writeAll(handle, data);
      await handle.sync();
    } catch (error) {
      await handle.close();
      await rm(temp, { force: true });
      throw error;
    }
    await handle.close();
    try {
      await rename(temp, target);
    } catch (error) {
      await rm(temp, { force: true });
      throw error;
    }
  }

  get(key: string): Promise<Buffer> {
    return readFile(this.path(key));
  }

  async delete(key: string): Promise<void> {
    await rm(this.path(key), { force: true });
  }

  /**
   * Removes temporary files left by a process that died mid-write. The writer's pid is in the name;
   * a live writer's files are kept (several workers on one machine share the folder).
   */
  async removeStaleTemporaries(): Promise<number> {
    let removed = 0;
    const entries = await readdir(this.root, { recursive: true }).catch(() => [] as string[]);
    for (const entry of entries) {
      const match = /\.tmp-(\d+)-[0-9a-f]+$/.exec(entry);
      if (!match || isAlive(Number(match[1]))) continue;
      await rm(join(this.root, entry), { force: true });
      removed++;
    }
    return removed;
  }
}

/**
 * A write to a nearly full disk can end short without an error (libuv reports the bytes it wrote
 * and drops the ENOSPC that stopped it): write the rest until it is all written, so that the call
 * that cannot write anything throws the real error instead of a cut-off file being renamed into place.
 */
async function writeAll(handle: FileHandle, data: readonly Uint8Array[]): Promise<void> {
  let rest = data.filter((chunk) => chunk.byteLength > 0);
  while (rest.length > 0) {
    const { bytesWritten } = await handle.writev(rest as Uint8Array[]);
    if (bytesWritten === 0) throw Object.assign(new Error('write made no progress'), { code: 'EIO', syscall: 'write' });
    let skip = bytesWritten;
    while (rest.length > 0 && skip >= rest[0].byteLength) skip -= rest.shift()!.byteLength;
    if (skip > 0) rest = [rest[0].subarray(skip), ...rest.slice(1)];
  }
}

function isAlive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
