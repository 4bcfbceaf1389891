import { MEMBER_FIELDS, type MemberField } from '../members/member-fields.js';

export interface ConsentRecordLike {
  kind: 'grant' | 'withdrawal';
  fields: readonly string[];
  recordedAt: Date;
  /** Insertion order; breaks ties between records with the same timestamp. */
  seq?: number;
}

export interface EffectiveConsent {
  /** Fields the member shows to the other members; empty means nothing is shared. */
  fields: MemberField[];
  since: Date | null;
}

function isNewer(a: ConsentRecordLike, b: ConsentRecordLike): boolean {
  const dt = a.recordedAt.getTime() - b.recordedAt.getTime();
  return dt !== 0 ? dt > 0 : (a.seq ?? 0) > (b.seq ?? 0);
}

/**
 * The newest record wins; a withdrawal is a record with no fields. No record at all means no
 * consent: the default is that nothing is shared. Records later than `at` are ignored, so an
 * edition can ask what held at its own moment.
 */
export function effectiveConsent(records: readonly ConsentRecordLike[], at?: Date): EffectiveConsent {
  let newest: ConsentRecordLike | undefined;
  for (const record of records) {
    if (at && record.recordedAt > at) continue;
    if (!newest || isNewer(record, newest)) newest = record;
  }
  if (!newest || newest.kind === 'withdrawal') return { fields: [], since: newest?.recordedAt ?? null };
  const granted = new Set(newest.fields);
  return { fields: MEMBER_FIELDS.filter((f) => granted.has(f)), since: newest.recordedAt };
}
