import type { PublicKeyInfo } from './checkpoint-signature.js';
import type { ChainedEvent, Json } from './hash-chain.js';

/**
 * The JSONL export: a header line, then one line per event in sequence order, each checkpoint on
 * its own line right after the event it signs. An auditor verifies it offline with
 * `audit:verify --file`; the format is documented in the README so they can check it with their
 * own tools too.
 */
export const EXPORT_FORMAT = 'listebud-audit-export';
export const EXPORT_VERSION = 1;

export interface ExportFilters {
  from?: string;
  to?: string;
  networkId?: string;
  memberId?: string;
  action?: string;
  actorId?: string;
}

export interface ExportHeader {
  type: 'header';
  format: typeof EXPORT_FORMAT;
  version: typeof EXPORT_VERSION;
  exportedAt: string;
  /** The log's head when the export began: no event after it is included. */
  toSeq: number;
  /** A filtered export leaves events out, so its chain cannot be verified as a whole. */
  filtered: boolean;
  filters: ExportFilters;
  verifiable: boolean;
  /** The key the checkpoints should verify with. Informational: take the key to trust from elsewhere. */
  publicKey: PublicKeyInfo;
  note: string;
}

export interface EventLine extends ChainedEvent {
  type: 'event';
  hash: string;
}

export interface CheckpointLine {
  type: 'checkpoint';
  seq: number;
  hash: string;
  at: string;
  keyId: string;
  signature: string;
}

export type ExportLine = ExportHeader | EventLine | CheckpointLine;

export function exportHeader(toSeq: number, filters: ExportFilters, publicKey: PublicKeyInfo, exportedAt: Date): ExportHeader {
  const filtered = Object.values(filters).some((v) => v !== undefined);
  return {
    type: 'header',
    format: EXPORT_FORMAT,
    version: EXPORT_VERSION,
    exportedAt: exportedAt.toISOString(),
    toSeq,
    filtered,
    filters,
    verifiable: !filtered,
    publicKey,
    note: filtered
      ? 'Filtered: events are left out, so the hash chain and the checkpoints cannot be verified. Verify an unfiltered export.'
      : 'Every event from seq 1 to toSeq, with the signed checkpoints. Verify with: audit:verify --file THIS_FILE --public-key KEY',
  };
}

export function eventLine(e: ChainedEvent & { hash: string }): string {
  const line: EventLine = {
    type: 'event',
    seq: e.seq,
    at: e.at,
    actorType: e.actorType,
    actorId: e.actorId,
    action: e.action,
    subjectType: e.subjectType,
    subjectId: e.subjectId,
    networkId: e.networkId,
    detail: e.detail,
    prevHash: e.prevHash,
    hash: e.hash,
  };
  return JSON.stringify(line);
}

export function checkpointLine(c: { seq: number; hash: string; at: Date; keyId: string; signature: string }): string {
  const line: CheckpointLine = { type: 'checkpoint', seq: c.seq, hash: c.hash, at: c.at.toISOString(), keyId: c.keyId, signature: c.signature };
  return JSON.stringify(line);
}

export const CSV_COLUMNS = ['seq', 'at', 'actorType', 'actorId', 'action', 'subjectType', 'subjectId', 'networkId', 'detail', 'prevHash', 'hash'] as const;

/**
 * RFC 4180: comma separated, CRLF, quoted when needed. A cell a spreadsheet would read as a formula
 * gets a leading apostrophe; the JSONL export is the one to verify.
 */
function csvCell(value: Json | undefined): string {
  let text = value === null || value === undefined ? '' : typeof value === 'object' ? JSON.stringify(value) : String(value);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function csvHeaderRow(): string {
  return `${CSV_COLUMNS.join(',')}\r\n`;
}

export function csvRow(e: ChainedEvent & { hash: string }): string {
  const record = e as unknown as Record<string, Json>;
  return `${CSV_COLUMNS.map((c) => csvCell(record[c])).join(',')}\r\n`;
}
