import { createHash } from 'node:crypto';

export const GENESIS_HASH = '0'.repeat(64);

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** The fields of an audit event that its hash covers, in a fixed shape. */
export interface ChainedEvent {
  seq: number;
  at: string;
  actorType: string;
  actorId: string | null;
  action: string;
  subjectType: string;
  subjectId: string | null;
  networkId: string | null;
  detail: Json;
  prevHash: string;
}

/** JSON with object keys sorted at every depth, so the same event always hashes the same way. */
export function canonicalJson(value: Json): string {
  if (value === null || typeof value !== 'object') {
    if (typeof value === 'number' && !Number.isFinite(value)) throw new Error('non-finite number in audit detail');
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const keys = Object.keys(value).filter((k) => value[k] !== undefined).sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(value[k])}`).join(',')}}`;
}

/** Hashes exactly the chained fields, whatever else the object carries (its own hash, say). */
export function hashEvent(event: ChainedEvent): string {
  const covered: { [K in keyof ChainedEvent]: Json } = {
    seq: event.seq,
    at: event.at,
    actorType: event.actorType,
    actorId: event.actorId,
    action: event.action,
    subjectType: event.subjectType,
    subjectId: event.subjectId,
    networkId: event.networkId,
    detail: event.detail,
    prevHash: event.prevHash,
  };
  return createHash('sha256').update(canonicalJson(covered)).digest('hex');
}

export type ChainCheck = { ok: true; events: number } | { ok: false; firstBadSeq: number; events: number };

/**
 * Checks a run of events in seq order: consecutive numbers, each prevHash equal to the previous
 * hash and each hash equal to the hash of the event's own content.
 */
export function verifyChain(
  events: Iterable<ChainedEvent & { hash: string }>,
  start = { seq: 0, hash: GENESIS_HASH },
): ChainCheck {
  let expectedSeq = start.seq + 1;
  let prev = start.hash;
  let count = 0;
  for (const event of events) {
    count++;
    if (event.seq !== expectedSeq || event.prevHash !== prev || hashEvent(event) !== event.hash) {
      return { ok: false, firstBadSeq: event.seq === expectedSeq ? event.seq : Math.min(event.seq, expectedSeq), events: count };
    }
    prev = event.hash;
    expectedSeq++;
  }
  return { ok: true, events: count };
}
