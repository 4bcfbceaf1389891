import { CsvError, parse } from 'csv-parse/sync';
import iconv from 'iconv-lite';
import type { FieldProblem } from '../../common/domain-error.js';
import { isBlank, MAX_DATA_ROWS, MAX_LINE_CHARS, tooManyRows, unreadable, type SheetReadResult, type SheetRow } from './sheet.js';

export type CsvEncoding = 'utf-8' | 'utf-8-bom' | 'utf-16' | 'windows-1252';
export type CsvDelimiter = ',' | ';' | '\t';

export interface CsvReadResult extends SheetReadResult {
  encoding?: CsvEncoding;
  delimiter?: CsvDelimiter;
}

const UTF8_BOM = Buffer.from([0xef, 0xbb, 0xbf]);

const encodingProblem = (): FieldProblem => ({
  code: 'ENCODING',
  message: 'The file is not text in UTF-8, UTF-16 or Windows-1252 (it may be UTF-16 without a byte-order mark, or not a CSV file); save it as "CSV UTF-8"',
});

/**
 * Past these, NUL bytes say UTF-16 without a byte-order mark or no text at all. Below them a stray NUL
 * (a bad paste from another system) is read and refused by row and field as a control character.
 */
const FEW_NULS = 10;
const MAX_NUL_SHARE = 0.01;
const UTF16_NUL_SHARE = 0.25;
/**
 * Bytes that cannot be read become U+FFFD, and each cell holding one is refused by row and field.
 * Past these limits the file is not text with a few broken bytes but something else altogether.
 */
const MAX_REPLACEMENTS = 100;
const FEW_REPLACEMENTS = 10;
const MAX_REPLACEMENT_SHARE = 0.005;

/**
 * Excel's "CSV UTF-8" has a byte-order mark; plain "CSV" from a Danish Excel is Windows-1252; "Unicode
 * text" is UTF-16 with a byte-order mark; everything else should be UTF-8.
 *
 * Text that is not valid UTF-8 is Windows-1252 unless it holds at least as many well-formed UTF-8 sequences as
 * broken ones: then it is UTF-8 with a few damaged bytes (a bad paste, a cut-off character), and reading
 * it as Windows-1252 would silently turn every "ø" of the file into "Ã¸". Such text is decoded with
 * U+FFFD for the damaged bytes, so the rows and fields that hold them are named and nothing is stored.
 */
function decode(bytes: Buffer): { text: string; encoding: CsvEncoding } | null {
  if (bytes.length >= 2 && ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff))) {
    try {
      // TextDecoder drops the BOM itself (ignoreBOM defaults to false).
      return { text: new TextDecoder(bytes[0] === 0xff ? 'utf-16le' : 'utf-16be', { fatal: true }).decode(bytes), encoding: 'utf-16' };
    } catch {
      return null;
    }
  }
  const nuls = countByte(bytes, 0);
  if ((nuls > FEW_NULS && nuls > bytes.length * MAX_NUL_SHARE) || nuls > bytes.length * UTF16_NUL_SHARE) return null;
  const hasBom = bytes.subarray(0, 3).equals(UTF8_BOM);
  const encoding: CsvEncoding = hasBom ? 'utf-8-bom' : 'utf-8';
  try {
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(bytes), encoding };
  } catch {
    // Not valid UTF-8: decided below.
  }
  let text: string;
  let decoded: CsvEncoding;
  if (hasBom || looksLikeDamagedUtf8(bytes)) {
    text = new TextDecoder('utf-8').decode(bytes);
    decoded = encoding;
  } else {
    // iconv-lite turns the five bytes Windows-1252 leaves undefined into U+FFFD.
    text = iconv.decode(bytes, 'windows-1252');
    decoded = 'windows-1252';
  }
  const replacements = text.split('\uFFFD').length - 1;
  if (replacements > MAX_REPLACEMENTS) return null;
  if (replacements > FEW_REPLACEMENTS && replacements > text.length * MAX_REPLACEMENT_SHARE) return null;
  return { text, encoding: decoded };
}

function countByte(bytes: Buffer, value: number): number {
  let n = 0;
  for (let i = bytes.indexOf(value); i !== -1; i = bytes.indexOf(value, i + 1)) n++;
  return n;
}

/** At least as many well-formed multi-byte UTF-8 sequences as bytes that fit none (Windows-1252 text has next to none). */
function looksLikeDamagedUtf8(bytes: Buffer): boolean {
  let wellFormed = 0;
  let broken = 0;
  for (let i = 0; i < bytes.length; ) {
    const b = bytes[i];
    if (b < 0x80) {
      i++;
      continue;
    }
    const length = b >= 0xc2 && b <= 0xdf ? 2 : b >= 0xe0 && b <= 0xef ? 3 : b >= 0xf0 && b <= 0xf4 ? 4 : 0;
    let ok = length > 0 && i + length <= bytes.length;
    for (let k = 1; ok && k < length; k++) ok = (bytes[i + k] & 0xc0) === 0x80;
    if (ok) {
      wellFormed++;
      i += length;
    } else {
      broken++;
      i++;
    }
  }
  return wellFormed > 0 && wellFormed >= broken;
}

const DELIMITERS: CsvDelimiter[] = [';', '\t', ','];

/**
 * The delimiter is whichever of ; tab , occurs most often outside quotes in the heading line (ties go
 * to the order above: a Danish Excel writes ; and a heading holds no ; by accident). Returns null when
 * the heading line is longer than a line may be.
 */
function detectDelimiter(text: string): CsvDelimiter | null {
  const counts = new Map<string, number>(DELIMITERS.map((d) => [d, 0]));
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    if (i >= MAX_LINE_CHARS) return null;
    const c = text[i];
    if (c === '"') quoted = !quoted;
    else if (!quoted && (c === '\n' || c === '\r')) break;
    else if (!quoted && counts.has(c)) counts.set(c, counts.get(c)! + 1);
  }
  let best: CsvDelimiter = ',';
  let bestCount = 0;
  for (const d of DELIMITERS) {
    if (counts.get(d)! > bestCount) {
      best = d;
      bestCount = counts.get(d)!;
    }
  }
  return best;
}

/** Excel honours (and sometimes writes) a first line `sep=;`; it is not a row a person sees. */
const SEP_LINE = /^sep=([;,\t])\r?\n/i;

class TooManyRows extends Error {}

export function readCsv(bytes: Buffer): CsvReadResult {
  const decoded = decode(bytes);
  if (!decoded) return { rows: [], problems: [encodingProblem()] };
  const { encoding } = decoded;
  let text = decoded.text;

  let delimiter: CsvDelimiter | null;
  const sep = SEP_LINE.exec(text);
  if (sep) {
    delimiter = sep[1] as CsvDelimiter;
    text = text.slice(sep[0].length);
  } else {
    delimiter = detectDelimiter(text);
  }
  if (delimiter === null) {
    return { rows: [], problems: [lineTooLong(1)], encoding };
  }

  const rows: SheetRow[] = [];
  try {
    parse(text, {
      delimiter,
      relax_quotes: true,
      relax_column_count: true,
      skip_empty_lines: false,
      // csv-parse counts the bytes of the field being read, so this also stops a runaway quoted field.
      max_record_size: MAX_LINE_CHARS,
      on_record: (record: string[], context) => {
        // context.records counts every record so far, blank ones included: it is the Excel row number.
        if (!isBlank(record)) {
          rows.push({ row: context.records, cells: record });
          if (rows.length > MAX_DATA_ROWS + 1) throw new TooManyRows();
        }
        return null;
      },
    });
  } catch (error) {
    return { rows: [], problems: [csvProblem(error)], encoding, delimiter };
  }
  return { rows, problems: [], encoding, delimiter };
}

function lineTooLong(row: number): FieldProblem {
  return { code: 'LINE_TOO_LONG', message: `Row ${row} is longer than ${MAX_LINE_CHARS} characters`, row };
}

/** csv-parse's own messages quote the offending value, so only its code and position are used. */
function csvProblem(error: unknown): FieldProblem {
  if (error instanceof TooManyRows) return tooManyRows();
  if (error instanceof CsvError) {
    const row = (error as CsvError & { records?: number }).records ?? 0;
    if (error.code === 'CSV_MAX_RECORD_SIZE') return lineTooLong(row + 1);
    if (error.code === 'CSV_QUOTE_NOT_CLOSED') {
      return unreadable(`A quoted value starting in row ${row + 1} is never closed`, row + 1);
    }
    return unreadable(`The CSV file cannot be read from row ${row + 1}`, row + 1);
  }
  throw error;
}
