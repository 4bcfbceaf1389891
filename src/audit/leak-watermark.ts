import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { constants as zlibConstants, inflateSync } from 'node:zlib';
import ExcelJS from 'exceljs';
import { DomainError } from '../common/domain-error.js';
import { checkedEntries, checkedEntryBytes, ZipRefused, type ZipLimits } from '../common/zip/checked-zip.js';

/** A leaked copy comes from outside: read through the hardened reader, with the import's caps. */
const TRACE_ZIP_LIMITS: ZipLimits = { maxUnpackedBytes: 32 * 1024 * 1024, maxRatio: 200, maxEntries: 10_000 };
const zipRefused = (reason: string) =>
  new DomainError(
    'invalid',
    'TRACE_ZIP_REFUSED',
    `The file is a ZIP archive that cannot safely be opened (${reason}); it was not unpacked`,
    'file',
  );

/** Where in the file the bundle id was found. */
export type WatermarkSource = 'xlsx:subject' | 'xlsx:header' | 'pdf:info' | 'pdf:text' | 'zip:manifest';

export interface FoundWatermark {
  bundleId: string;
  foundIn: WatermarkSource;
}

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i;
/** "Fortroligt, udleveret til <name>, <bundle id>, <date>": the id is the last UUID before the date. */
const WATERMARK = /udleveret til .*?, ([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}),/i;

const noWatermark = (what: string) => new DomainError('not_found', 'TRACE_NO_WATERMARK', `No listebud watermark was found in the ${what}`, 'file');

/**
 * Reads the bundle id a contact list was stamped with: from an XLSX's document properties or its
 * print header, from a PDF's document information or its page text, or from a bundle ZIP's manifest.
 */
export async function readWatermark(file: Buffer): Promise<FoundWatermark> {
  if (file.subarray(0, 1024).includes('%PDF-')) return readPdf(file);
  if (file.subarray(0, 4).equals(Buffer.from([0x50, 0x4b, 0x03, 0x04]))) return readZipFile(file);
  throw new DomainError('invalid', 'TRACE_UNKNOWN_FILE', 'The file is neither an XLSX, a PDF nor a bundle ZIP', 'file');
}

async function readZipFile(file: Buffer): Promise<FoundWatermark> {
  let manifest: { bundleId?: unknown } | undefined;
  try {
    // Every entry is checked (bounds, sizes, inflate caps) before exceljs may see the file at all.
    const entries = checkedEntries(file, TRACE_ZIP_LIMITS);
    const contents = entries.filter((e) => !e.name.endsWith('/')).map((e) => ({ name: e.name, data: checkedEntryBytes(file, e) }));
    const entry = contents.find((e) => e.name === 'manifest.json');
    if (entry) {
      try {
        manifest = JSON.parse(entry.data.toString('utf8')) as { bundleId?: unknown };
      } catch {
        manifest = {};
      }
    }
  } catch (error) {
    if (error instanceof ZipRefused) throw zipRefused(error.reason);
    throw error;
  }
  if (manifest) {
    if (typeof manifest.bundleId === 'string' && UUID.test(manifest.bundleId)) return { bundleId: manifest.bundleId.toLowerCase(), foundIn: 'zip:manifest' };
    throw noWatermark('bundle manifest');
  }
  return readXlsx(file);
}

async function readXlsx(file: Buffer): Promise<FoundWatermark> {
  const workbook = new ExcelJS.Workbook();
  try {
    await workbook.xlsx.load(file as unknown as ArrayBuffer);
  } catch {
    throw new DomainError('invalid', 'TRACE_UNREADABLE_FILE', 'The XLSX file cannot be read', 'file');
  }
  const subject = workbook.subject?.trim() ?? '';
  if (new RegExp(`^${UUID.source}$`, 'i').test(subject)) return { bundleId: subject.toLowerCase(), foundIn: 'xlsx:subject' };
  for (const sheet of workbook.worksheets) {
    const hf = sheet.headerFooter ?? {};
    for (const text of [hf.oddHeader, hf.evenHeader, hf.firstHeader, hf.oddFooter, hf.evenFooter, hf.firstFooter]) {
      const match = text ? WATERMARK.exec(text) : null;
      if (match) return { bundleId: match[1].toLowerCase(), foundIn: 'xlsx:header' };
    }
  }
  throw noWatermark('XLSX file');
}

/** A PDF string, literal `(...)` or hex `<...>`, in PDFDocEncoding or UTF-16BE with a byte order mark. */
function decodePdfString(token: string): string {
  let bytes: Buffer;
  if (token.startsWith('<')) {
    bytes = Buffer.from(token.slice(1, -1).replace(/\s+/g, ''), 'hex');
  } else {
    const body = token.slice(1, -1).replace(/\\([nrtbf()\\]|[0-7]{1,3})/g, (_, c: string) =>
      /^[0-7]/.test(c) ? String.fromCharCode(parseInt(c, 8)) : ({ n: '\n', r: '\r', t: '\t', b: '\b', f: '\f' } as Record<string, string>)[c] ?? c,
    );
    bytes = Buffer.from(body, 'latin1');
  }
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return Buffer.from(bytes.subarray(2)).swap16().toString('utf16le');
  return bytes.toString('latin1');
}

/** The last /Subject in the text wins: a later incremental update replaces the document information. */
function lastSubject(text: string): string | undefined {
  const re = /\/Subject\s*(<[0-9A-Fa-f\s]*>|\((?:\\.|[^\\)])*\))/g;
  let found: string | undefined;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    const value = decodePdfString(m[1]).trim();
    if (UUID.test(value)) found = UUID.exec(value)![0].toLowerCase();
  }
  return found;
}

async function readPdf(file: Buffer): Promise<FoundWatermark> {
  const raw = file.toString('latin1');
  const direct = lastSubject(raw);
  if (direct) return { bundleId: direct, foundIn: 'pdf:info' };
  // A PDF saved again by another program may keep its document information in compressed object streams.
  let fromStreams: string | undefined;
  const streams = /stream\r?\n/g;
  for (let m = streams.exec(raw); m; m = streams.exec(raw)) {
    const start = m.index + m[0].length;
    const end = raw.indexOf('endstream', start);
    if (end < 0) break;
    try {
      const found = lastSubject(inflateSync(file.subarray(start, end), { finishFlush: zlibConstants.Z_SYNC_FLUSH }).toString('latin1'));
      if (found) fromStreams = found;
    } catch {
      // Not a Flate stream.
    }
    streams.lastIndex = end + 'endstream'.length;
  }
  if (fromStreams) return { bundleId: fromStreams, foundIn: 'pdf:info' };
  const text = await pdfPageText(file);
  const match = text ? WATERMARK.exec(text.replace(/\s+/g, ' ')) : null;
  if (match) return { bundleId: match[1].toLowerCase(), foundIn: 'pdf:text' };
  throw noWatermark('PDF file');
}

/** The page text as poppler's `pdftotext` reads it, when that tool is installed. */
async function pdfPageText(file: Buffer): Promise<string | undefined> {
  const dir = await mkdtemp(join(tmpdir(), 'listebud-trace-'));
  try {
    await writeFile(join(dir, 'f.pdf'), file, { mode: 0o600 });
    return (await promisify(execFile)('pdftotext', ['-enc', 'UTF-8', join(dir, 'f.pdf'), '-'], { maxBuffer: 64 << 20 })).stdout;
  } catch {
    return undefined;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
