import type { KeyObject } from 'node:crypto';
import { EXPORT_FORMAT, EXPORT_VERSION, type CheckpointLine, type EventLine, type ExportHeader } from './audit-export-format.js';
import { checkpointSignatureValid, publicKeyInfo } from './checkpoint-signature.js';
import { GENESIS_HASH, verifyChain } from './hash-chain.js';

/** The answer of a verification, live or offline: the CLI prints it and exits 1 when not ok. */
export interface LogCheck {
  ok: boolean;
  events: number;
  checkpoints: number;
  /** The first sequence number that is wrong, missing or signed wrongly. */
  firstBadSeq?: number;
  problem?: string;
}

const HEX64 = /^[0-9a-f]{64}$/;
const isText = (v: unknown): v is string => typeof v === 'string';
const isTextOrNull = (v: unknown) => v === null || typeof v === 'string';
const isSeq = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) >= 1;

function isEventLine(v: Record<string, unknown>): v is Record<string, unknown> & EventLine {
  return (
    isSeq(v.seq) && isText(v.at) && isText(v.actorType) && isTextOrNull(v.actorId) && isText(v.action) && isText(v.subjectType) &&
    isTextOrNull(v.subjectId) && isTextOrNull(v.networkId) && v.detail !== undefined && isText(v.prevHash) && isText(v.hash)
  );
}

function isCheckpointLine(v: Record<string, unknown>): v is Record<string, unknown> & CheckpointLine {
  return isSeq(v.seq) && isText(v.hash) && HEX64.test(v.hash) && isText(v.at) && !Number.isNaN(Date.parse(v.at)) && isText(v.keyId) && isText(v.signature);
}

/**
 * Verifies an unfiltered JSONL export without a database: the header, every link of the hash chain
 * from the genesis hash, every checkpoint's signature with the given key and its hash against the
 * event it names, that the file does not end before an event a checkpoint covers, and that it
 * reaches the head its header names. Stops at the first problem and names its sequence number.
 */
export async function verifyExport(lines: AsyncIterable<string> | Iterable<string>, publicKey: KeyObject): Promise<LogCheck> {
  const keyId = publicKeyInfo(publicKey).keyId;
  let header: ExportHeader | undefined;
  let lineNo = 0;
  let last = { seq: 0, hash: GENESIS_HASH };
  let events = 0;
  let checkpoints = 0;
  /** Checkpoints met before the event they sign (a file cut short shows this at its end). */
  const ahead: CheckpointLine[] = [];
  const bad = (firstBadSeq: number | undefined, problem: string): LogCheck => ({
    ok: false,
    events,
    checkpoints,
    ...(firstBadSeq !== undefined ? { firstBadSeq } : {}),
    problem,
  });

  for await (const raw of lines) {
    lineNo++;
    const text = raw.replace(/\r$/, '');
    if (text.trim() === '') continue;
    let value: Record<string, unknown>;
    try {
      const parsed: unknown = JSON.parse(text);
      if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('not an object');
      value = parsed as Record<string, unknown>;
    } catch {
      return bad(header ? last.seq + 1 : undefined, `line ${lineNo} is not a JSON object`);
    }
    if (!header) {
      if (value.type !== 'header' || value.format !== EXPORT_FORMAT) return bad(undefined, `line ${lineNo}: not a listebud audit export (no header line)`);
      if (value.version !== EXPORT_VERSION) return bad(undefined, `export format version ${String(value.version)} is not known to this verifier`);
      if (value.filtered !== false) return bad(undefined, 'a filtered export leaves events out and cannot be verified; export without filters');
      if (!Number.isSafeInteger(value.toSeq)) return bad(undefined, 'the header names no toSeq');
      header = value as unknown as ExportHeader;
      continue;
    }
    if (value.type === 'event') {
      if (!isEventLine(value)) return bad(last.seq + 1, `line ${lineNo}: an event line lacks fields or has wrong types`);
      const check = verifyChain([value], last);
      if (!check.ok) return bad(check.firstBadSeq, `event ${check.firstBadSeq}: its hash, its link to the event before or its number is wrong (line ${lineNo})`);
      last = { seq: value.seq, hash: value.hash };
      events++;
      while (ahead.length && ahead[0].seq === last.seq) {
        const cp = ahead.shift()!;
        if (cp.hash !== last.hash) return bad(cp.seq, `the checkpoint at seq ${cp.seq} does not match event ${cp.seq}`);
      }
      if (ahead.length && ahead[0].seq < last.seq) return bad(ahead[0].seq, `the checkpoint at seq ${ahead[0].seq} is out of place`);
      continue;
    }
    if (value.type === 'checkpoint') {
      const seq = isSeq(value.seq) ? value.seq : last.seq;
      if (!isCheckpointLine(value)) return bad(seq, `line ${lineNo}: a checkpoint line lacks fields or has wrong types`);
      if (value.keyId !== keyId) return bad(value.seq, `the checkpoint at seq ${value.seq} names key ${value.keyId}, not the given key ${keyId}`);
      if (!checkpointSignatureValid(publicKey, value, value.signature)) {
        return bad(value.seq, `the checkpoint at seq ${value.seq}: its signature does not verify with the given public key`);
      }
      checkpoints++;
      if (value.seq === last.seq) {
        if (value.hash !== last.hash) return bad(value.seq, `the checkpoint at seq ${value.seq} does not match event ${value.seq}`);
      } else if (value.seq < last.seq) {
        return bad(value.seq, `the checkpoint at seq ${value.seq} is out of place (line ${lineNo})`);
      } else {
        ahead.push(value);
        ahead.sort((a, b) => a.seq - b.seq);
      }
      continue;
    }
    return bad(last.seq + 1, `line ${lineNo}: unknown line type`);
  }

  if (!header) return bad(undefined, 'the file is empty');
  if (ahead.length) {
    return bad(last.seq + 1, `cut short: the export ends at seq ${last.seq}, before the checkpoint at seq ${ahead[ahead.length - 1].seq}; events are missing`);
  }
  if (last.seq !== header.toSeq) {
    return bad(last.seq + 1, `the export ends at seq ${last.seq} but its header says it reaches seq ${header.toSeq}`);
  }
  if (checkpoints === 0) return bad(undefined, 'the export holds no signed checkpoint, so nothing in it is signed; make one (audit:checkpoint) and export again');
  return { ok: true, events, checkpoints };
}
