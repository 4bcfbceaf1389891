import { chmodSync, chownSync, mkdirSync, statSync } from 'node:fs';
import { resolve } from 'node:path';

/** A start-up refusal whose message tells the operator what to do; printed as it is. */
export class DataDirError extends Error {}

export interface DataDirOwner {
  uid: number;
  gid: number;
}

/**
 * DATA_DIR holds the database, the session secret, the audit signing key and the encrypted bundles.
 * It is created owner-only. One that others may write is refused rather than repaired: someone may
 * already have planted or replaced files in it. One that others may only read is tightened.
 *
 * When the service runs as root the embedded PostgreSQL runs as an ordinary database user, which
 * must pass through DATA_DIR to reach its own folders: then the folder's group is that user's group
 * with search permission only (0710), so it still cannot list DATA_DIR or open anything else in it.
 */
export function prepareDataDir(dataDir: string, databaseUser?: DataDirOwner): string {
  const root = resolve(dataDir);
  mkdirSync(root, { recursive: true, mode: 0o700 });
  const stat = statSync(root);
  if (!stat.isDirectory()) throw new DataDirError(`DATA_DIR ${root} is not a folder.`);
  if ((stat.mode & 0o022) !== 0) {
    throw new DataDirError(
      `DATA_DIR ${root} can be written by other users (mode ${(stat.mode & 0o777).toString(8)}); listebud keeps ` +
        `personal data and keys there and will not use it. Check its contents, then make it owner-only: chmod 700 ${root}`,
    );
  }
  const uid = process.getuid?.();
  if (uid !== undefined && uid !== 0 && stat.uid !== uid) {
    throw new DataDirError(`DATA_DIR ${root} belongs to another user (uid ${stat.uid}); run listebud as its owner.`);
  }
  const mode = databaseUser ? 0o710 : 0o700;
  if (databaseUser && stat.gid !== databaseUser.gid) chownSync(root, stat.uid, databaseUser.gid);
  if ((stat.mode & 0o777) !== mode) chmodSync(root, mode);
  return root;
}

/**
 * Every folder above `path` must let the database user pass, or the server cannot open its files.
 * A root-only parent (/root, a 0700 temporary folder) is the usual culprit when listebud runs as root.
 */
export function assertReachable(path: string, user: DataDirOwner, what: string): void {
  const dir = blockedFolder(path, user);
  if (dir) {
    throw new DataDirError(
      `The embedded database runs as the user "postgres" (PostgreSQL refuses root), and that user cannot pass ` +
        `through ${dir} to reach ${what} ${resolve(path)}. Put DATA_DIR where other users may pass ` +
        '(such as /srv/listebud or /opt), run listebud as an ordinary user, or set DATABASE_URL.',
    );
  }
}

/** The first folder above `path` that `user` may not pass through, if any. */
export function blockedFolder(path: string, user: DataDirOwner): string | undefined {
  const parts = resolve(path).split('/').filter(Boolean);
  for (let i = 0; i < parts.length; i++) {
    const dir = `/${parts.slice(0, i).join('/')}`;
    const st = statSync(dir);
    const bit = st.uid === user.uid ? 0o100 : st.gid === user.gid ? 0o010 : 0o001;
    if ((st.mode & bit) === 0) return dir;
  }
  return undefined;
}
