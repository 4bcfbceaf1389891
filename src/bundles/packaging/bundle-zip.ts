import { deflatedEntry, storedEntry, writeZip, type ZipEntry } from '../../common/zip/zip-writer.js';

/** A file for the bundle: either already digested chunks (the rendered lists) or plain bytes. */
export type BundleFile = { name: string; chunks: Uint8Array[]; crc32: number } | { name: string; data: Buffer };

/**
 * The bundle's ZIP. The rendered lists are stored as they are (XLSX is already compressed and
 * pdfkit compresses its streams); only small files are deflated.
 */
export function buildBundleZip(files: readonly BundleFile[], createdAt: Date): Uint8Array[] {
  const entries: ZipEntry[] = files.map((file) =>
    'chunks' in file ? storedEntry(file.name, file.chunks, file.crc32) : deflatedEntry(file.name, file.data),
  );
  return writeZip(entries, createdAt);
}
