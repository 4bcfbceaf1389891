import type { FieldProblem } from '../../common/domain-error.js';
import { mapColumns, type ColumnKey, type ColumnMap } from './member-columns.js';
import { FIELD_LABELS, isValidEmail, normaliseMember, type MemberDraft, type MemberInput } from './member-draft.validator.js';
import { readCsv, type CsvDelimiter, type CsvEncoding } from './csv-reader.js';
import { emptyFile, MAX_FILE_BYTES, noMemberRows, type SheetRow } from './sheet.js';
import { importSlot } from './import-slot.js';
import { readXlsx } from './xlsx-reader.js';
import { inspectZip, isZip } from './zip-inspection.js';

export { MEMBER_FIELDS, type MemberField } from '../member-fields.js';
export { normaliseMember, type MemberDraft, type MemberInput, type MemberValue } from './member-draft.validator.js';
export { MAX_DATA_ROWS, MAX_FILE_BYTES, MAX_LINE_CHARS } from './sheet.js';

export interface ParsedMemberFile {
  /** The rows without any problem. A caller that imports all-or-nothing checks `problems` first. */
  drafts: MemberDraft[];
  problems: FieldProblem[];
  format: 'csv' | 'xlsx';
  encoding?: CsvEncoding;
  delimiter?: CsvDelimiter;
}

const CFB_MAGIC = Buffer.from([0xd0, 0xcf, 0x11, 0xe0]);

/**
 * Reads a member list as coordinators export it (CSV from any Excel, or .xlsx) into checked drafts.
 * Pure: no database, no clock. Problems name rows and fields, never values.
 */
export async function parseMemberFile(bytes: Buffer, fileName?: string): Promise<ParsedMemberFile> {
  return importSlot.run(() => parseOne(bytes, fileName));
}

async function parseOne(bytes: Buffer, fileName?: string): Promise<ParsedMemberFile> {
  const xlsx = isZip(bytes);
  const format = xlsx ? 'xlsx' : 'csv';
  if (bytes.length > MAX_FILE_BYTES) {
    return { drafts: [], format, problems: [{ code: 'FILE_TOO_LARGE', message: `The file is larger than ${MAX_FILE_BYTES / 1024 / 1024} MB` }] };
  }
  if (xlsx) {
    const zipProblem = inspectZip(bytes);
    if (zipProblem) return { drafts: [], problems: [zipProblem], format };
    const sheet = await readXlsx(bytes);
    if (sheet.problems.length > 0) return { drafts: [], problems: sheet.problems, format };
    return { ...buildDrafts(sheet.rows, sheet.rowProblems), format };
  }
  if (bytes.subarray(0, 4).equals(CFB_MAGIC) || /\.xls[xm]?$/i.test(fileName ?? '')) {
    return {
      drafts: [],
      format,
      problems: [{ code: 'UNREADABLE_FILE', message: 'The file is an old (.xls) or password-protected workbook; save it as .xlsx or CSV' }],
    };
  }
  const csv = readCsv(bytes);
  const read = { format, encoding: csv.encoding, delimiter: csv.delimiter } as const;
  if (csv.problems.length > 0) return { drafts: [], problems: csv.problems, ...read };
  return { ...buildDrafts(csv.rows), ...read };
}

const INPUT_KEY: Partial<Record<ColumnKey, keyof MemberInput>> = {
  name: 'name',
  email: 'email',
  phone: 'phone',
  address: 'address',
  postal_code: 'postalCode',
  city: 'city',
  about_me: 'aboutMe',
};

function toInput(cells: string[], columns: ColumnMap): MemberInput {
  const input: Record<string, string> = {};
  let first = '';
  let last = '';
  columns.keys.forEach((key, index) => {
    const cell = cells[index] ?? '';
    if (key === 'first_name') first = cell.trim();
    else if (key === 'last_name') last = cell.trim();
    else if (key !== null) input[INPUT_KEY[key]!] = cell;
  });
  if ((input.name ?? '').trim() === '') input.name = first && last ? `${first} ${last}` : first || last;
  return input;
}

/** The e-mail a row would be stored under, for spotting duplicates even in rows with other problems. */
function emailKey(raw: unknown): string | null {
  if (typeof raw !== 'string') return null;
  const email = raw.trim().normalize('NFC').toLowerCase();
  return isValidEmail(email) ? email : null;
}

function buildDrafts(rows: SheetRow[], sheetProblems: FieldProblem[] = []): { drafts: MemberDraft[]; problems: FieldProblem[] } {
  const [header, ...data] = rows;
  if (!header) return { drafts: [], problems: [emptyFile()] };
  const columns = mapColumns(header.cells, header.row);
  if (!columns.usable) return { drafts: [], problems: columns.problems };
  if (data.length === 0) return { drafts: [], problems: [...columns.problems, noMemberRows()] };

  const problems = [...columns.problems];
  const drafts: MemberDraft[] = [];
  const firstRowByEmail = new Map<string, number>();
  for (const { row, cells, cprWithoutLeadingZero = [] } of data) {
    const input = toInput(cells, columns);
    const result = normaliseMember(input, row);
    const rowProblems = result.problems;

    // A CPR number typed into an Excel cell is stored as a number and loses its leading 0 (010190-1234
    // without the dash becomes 101901234), which the text rules cannot see.
    for (const index of cprWithoutLeadingZero) {
      const key = columns.keys[index];
      if (!key) continue;
      const field = key === 'first_name' || key === 'last_name' ? 'name' : key;
      if (rowProblems.some((p) => p.field === field && p.code === 'CPR_NUMBER')) continue;
      rowProblems.push({
        code: 'CPR_NUMBER',
        message: `${FIELD_LABELS[field]} looks like a Danish CPR number whose leading 0 Excel dropped; listebud must not store CPR numbers`,
        field,
        row,
      });
    }

    for (let i = 0; i < cells.length; i++) {
      if (!columns.headed[i] && cells[i].trim() !== '') {
        rowProblems.push({
          code: 'VALUE_WITHOUT_COLUMN',
          message: `Row ${row} has a value in column ${i + 1}, which has no heading (a value holding the separator must be in quotes)`,
          row,
        });
        break;
      }
    }

    const email = emailKey(input.email);
    if (email !== null) {
      const earlier = firstRowByEmail.get(email);
      if (earlier === undefined) firstRowByEmail.set(email, row);
      else rowProblems.push({ code: 'DUPLICATE_EMAIL', message: `E-mail is the same as in row ${earlier}`, field: 'email', row });
    }

    if (rowProblems.length > 0) problems.push(...rowProblems);
    else drafts.push({ row, ...result.value! });
  }
  if (sheetProblems.length === 0) return { drafts, problems };
  // A hidden row is refused even when its values are fine; its other problems are reported with it.
  const refused = new Set(sheetProblems.map((p) => p.row));
  return {
    drafts: drafts.filter((d) => !refused.has(d.row)),
    problems: [...problems, ...sheetProblems].sort((a, b) => (a.row ?? 0) - (b.row ?? 0)),
  };
}
