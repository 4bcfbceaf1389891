import { createHash } from 'node:crypto';
import { canonicalJson } from '../audit/hash-chain.js';
import { effectiveConsent, type ConsentRecordLike } from '../consent/effective-consent.js';
import type { MemberField } from '../members/member-fields.js';

export interface SnapshotMember {
  id: string;
  status: 'active' | 'paused' | 'left';
  values: Record<MemberField, string | null>;
}

export interface SnapshotRow {
  memberId: string;
  /** Only fields the member granted and the list shows, and only non-empty ones. */
  values: Partial<Record<MemberField, string>>;
}

export interface EditionSnapshot {
  columns: MemberField[];
  rows: SnapshotRow[];
}

/** What an edition stores: the snapshot plus who receives it (member ids, fixed at the same moment). */
export interface StoredSnapshot extends EditionSnapshot {
  recipients: string[];
  /** Written when retention empties the rows' values: which fields the rows had shown. */
  fieldsShared?: MemberField[];
}

export interface EditionDiff {
  added: string[];
  removed: string[];
  changed: { memberId: string; fields: MemberField[] }[];
}

const collator = new Intl.Collator('da', { sensitivity: 'variant' });

/**
 * The rows of an edition: active members whose newest consent grants at least one of the list's
 * columns, each with exactly the granted ∩ shown fields. Sorted by name in Danish order (Æ, Ø, Å
 * after Z); rows that do not show a name come last, in a stable order.
 */
export function buildSnapshot(
  columns: readonly MemberField[],
  members: readonly SnapshotMember[],
  consents: ReadonlyMap<string, readonly ConsentRecordLike[]>,
  at: Date,
): EditionSnapshot {
  const rows: SnapshotRow[] = [];
  for (const member of members) {
    if (member.status !== 'active') continue;
    const granted = new Set(effectiveConsent(consents.get(member.id) ?? [], at).fields);
    const values: Partial<Record<MemberField, string>> = {};
    for (const column of columns) {
      const value = member.values[column];
      if (granted.has(column) && value !== null && value !== '') values[column] = value;
    }
    if (Object.keys(values).length > 0) rows.push({ memberId: member.id, values });
  }
  rows.sort((a, b) => {
    const an = a.values.name;
    const bn = b.values.name;
    if (an !== undefined && bn !== undefined) return collator.compare(an, bn) || a.memberId.localeCompare(b.memberId);
    if (an !== undefined) return -1;
    if (bn !== undefined) return 1;
    return a.memberId.localeCompare(b.memberId);
  });
  return { columns: [...columns], rows };
}

/** Covers what the list shows (columns and rows), not who receives it. */
export function contentHash(snapshot: EditionSnapshot): string {
  const shown = { columns: snapshot.columns, rows: snapshot.rows };
  return createHash('sha256').update(canonicalJson(shown as unknown as Parameters<typeof canonicalJson>[0])).digest('hex');
}

/** What changed since the previous edition, by member id and field name only. */
export function diffSnapshots(previous: EditionSnapshot | undefined, next: EditionSnapshot): EditionDiff {
  const before = new Map((previous?.rows ?? []).map((r) => [r.memberId, r.values]));
  const after = new Map(next.rows.map((r) => [r.memberId, r.values]));
  const added = [...after.keys()].filter((id) => !before.has(id));
  const removed = [...before.keys()].filter((id) => !after.has(id));
  const changed: EditionDiff['changed'] = [];
  for (const [memberId, values] of after) {
    const old = before.get(memberId);
    if (!old) continue;
    const fields = [...new Set([...Object.keys(old), ...Object.keys(values)])].filter(
      (f) => old[f as MemberField] !== values[f as MemberField],
    ) as MemberField[];
    if (fields.length) changed.push({ memberId, fields: fields.sort() });
  }
  return { added: added.sort(), removed: removed.sort(), changed };
}

/** Reciprocity: by default only members who are themselves on the list receive it. */
export function recipientsOf(snapshot: EditionSnapshot, members: readonly SnapshotMember[], rule: 'listed_members' | 'all_active'): string[] {
  if (rule === 'listed_members') return snapshot.rows.map((r) => r.memberId);
  return members.filter((m) => m.status === 'active').map((m) => m.id);
}
