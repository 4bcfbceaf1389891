/**
 * Where encrypted bundles live. Callers never see paths: a local folder now, an S3-compatible
 * object store later, behind the same four operations. Only ciphertext is ever stored.
 */
export abstract class BundleStorage {
  /** Stores the bytes (chunks, in order) atomically: the key shows all of them or nothing. Overwrites. */
  abstract put(key: string, data: readonly Uint8Array[]): Promise<void>;
  abstract get(key: string): Promise<Buffer>;
  /** Deleting a missing object is not an error. */
  abstract delete(key: string): Promise<void>;
  /** Removes partial writes left by a writer that died; returns how many. */
  abstract removeStaleTemporaries(): Promise<number>;
}

const KEY = /^[a-z0-9][a-z0-9/_-]{0,200}\.age$/;

/** Keys are built from ids only; anything else is a programming error, never user input. */
export function assertStorageKey(key: string): void {
  if (!KEY.test(key) || key.includes('..') || key.includes('//')) throw new Error('invalid storage key');
}
