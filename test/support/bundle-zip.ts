import { entryBytes, readZip } from '../../src/common/zip/zip-reader.js';

/** Opens a decrypted bundle: file name to bytes (tests read what a member would unpack). */
export function readBundleZip(archive: Buffer): Map<string, Buffer> {
  return new Map(readZip(archive).map((entry) => [entry.name, entryBytes(entry)]));
}
