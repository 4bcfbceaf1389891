import { CsvError, parse } from 'csv-parse/sync';
import iconv from 'iconv-lite';
import type { FieldProblem } from '../../common/domain-error.js';
import { isBlank, MAX_DATA_ROWS, MAX_LINE_CHARS, tooManyRows, unreadable, type SheetReadResult, type SheetRow } from './sheet.js';

export type CsvEncoding = 'utf-8' | 'utf-8-bom' | 'windows-1252';
export type CsvDelimiter = ',' | ';' | '\t';

export interface CsvReadResult extends SheetReadResult {
  encoding?: CsvEncoding;
  delimiter?: CsvDelimiter;
}

const UTF8_BOM = Buffer.from([0xef, 0xbb, 0xbf]);

const encodingProblem = (): FieldProblem => ({
  code: 'ENCODING',
  message: 'The file is not text in UTF-8 or Windows-1252 (it may be UTF-16 or not a CSV file); save it as "CSV UTF-8"',
});

/**
 * Excel's "CSV UTF-8" has a byte-order mark; plain "CSV" from a Danish Excel is Windows-1252; everything
 * else should be UTF-8. Text with NUL bytes is UTF-16 or binary, not something we can guess our way through.
 */
function decode(bytes: Buffer): { text: string; encoding: CsvEncoding } | null {
  if (bytes.includes(0)) return null;
  const hasBom = bytes.subarray(0, 3).equals(UTF8_BOM);
  try {
    // TextDecoder drops the BOM itself (ignoreBOM defaults to false).
    const text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return { text, encoding: hasBom ? 'utf-8-bom' : 'utf-8' };
  } catch {
    if (hasBom) return null;
  }
  const text = iconv.decode(bytes, 'windows-1252');
  // iconv-lite turns the five bytes Windows-1252 leaves undefined into U+FFFD.
  return text.includes('\uFFFD') ? null : { text, encoding: 'windows-1252' };
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
