import { describe, expect, it } from '@jest/globals';
import type { ConsentRecordLike } from '../consent/effective-consent.js';
import type { MemberField } from '../members/member-fields.js';
import { buildSnapshot, contentHash, diffSnapshots, recipientsOf, type SnapshotMember } from './edition-snapshot.js';

const AT = new Date('2026-11-22T12:00:00Z');
const before = (minutes: number) => new Date(AT.getTime() - minutes * 60_000);

function member(id: string, name: string, status: SnapshotMember['status'] = 'active'): SnapshotMember {
  return {
    id,
    status,
    values: { name, email: `${id}@example.org`, phone: '+4520000000', address: 'Vej 1', postal_code: '5000', city: 'Odense C', about_me: null },
  };
}
const grant = (fields: MemberField[], minutesBefore = 10): ConsentRecordLike => ({ kind: 'grant', fields, recordedAt: before(minutesBefore) });
const withdraw = (minutesBefore = 5): ConsentRecordLike => ({ kind: 'withdrawal', fields: [], recordedAt: before(minutesBefore) });
const ALL: MemberField[] = ['name', 'email', 'phone', 'city'];

describe('buildSnapshot', () => {
  it('holds only the fields a member granted and the list shows', () => {
    const snap = buildSnapshot(['name', 'phone'], [member('a', 'Anna')], new Map([['a', [grant(['name', 'email'])]]]), AT);
    expect(snap.rows).toEqual([{ memberId: 'a', values: { name: 'Anna' } }]);
  });

  it('leaves out members without consent, who withdrew before the edition, or who are paused or left', () => {
    const members = [member('a', 'Anna'), member('b', 'Bo'), member('c', 'Carl'), member('d', 'Dorte', 'paused'), member('e', 'Erik', 'left')];
    const consents = new Map([
      ['b', [grant(ALL, 30), withdraw(5)]],
      ['c', [grant(ALL)]],
      ['d', [grant(ALL)]],
      ['e', [grant(ALL)]],
    ]);
    expect(buildSnapshot(ALL, members, consents, AT).rows.map((r) => r.memberId)).toEqual(['c']);
  });

  it('ignores consent recorded after the edition moment', () => {
    const snap = buildSnapshot(ALL, [member('a', 'Anna')], new Map([['a', [grant(ALL, -5)]]]), AT);
    expect(snap.rows).toEqual([]);
  });

  it('sorts by name in Danish order, with Æ, Ø and Å after Z', () => {
    const names = ['Åse', 'Ærlig', 'Zoë', 'Øjvind', 'Anders', 'Bent'];
    const members = names.map((n, i) => member(`m${i}`, n));
    const consents = new Map(members.map((m) => [m.id, [grant(['name'])]]));
    expect(buildSnapshot(['name'], members, consents, AT).rows.map((r) => r.values.name)).toEqual(['Anders', 'Bent', 'Zoë', 'Ærlig', 'Øjvind', 'Åse']);
  });

  it('hashes equal content equally and different content differently', () => {
    const members = [member('a', 'Anna')];
    const one = buildSnapshot(ALL, members, new Map([['a', [grant(['name'])]]]), AT);
    const same = buildSnapshot(ALL, members, new Map([['a', [grant(['name'], 20)]]]), AT);
    const other = buildSnapshot(ALL, members, new Map([['a', [grant(['name', 'city'])]]]), AT);
    expect(contentHash(one)).toBe(contentHash(same));
    expect(contentHash(one)).not.toBe(contentHash(other));
  });
});

describe('diffSnapshots', () => {
  it('names members added, removed and fields changed, without values', () => {
    const previous = { columns: ALL, rows: [{ memberId: 'a', values: { name: 'Anna', city: 'Odense C' } }, { memberId: 'b', values: { name: 'Bo' } }] };
    const next = { columns: ALL, rows: [{ memberId: 'a', values: { name: 'Anna', city: 'Vejle' } }, { memberId: 'c', values: { name: 'Carl' } }] };
    expect(diffSnapshots(previous, next)).toEqual({ added: ['c'], removed: ['b'], changed: [{ memberId: 'a', fields: ['city'] }] });
  });
});

describe('recipientsOf', () => {
  it('gives the list only to listed members by default (reciprocity), or to every active member', () => {
    const members = [member('a', 'Anna'), member('b', 'Bo'), member('c', 'Carl', 'paused')];
    const snap = buildSnapshot(ALL, members, new Map([['a', [grant(ALL)]]]), AT);
    expect(recipientsOf(snap, members, 'listed_members')).toEqual(['a']);
    expect(recipientsOf(snap, members, 'all_active').sort()).toEqual(['a', 'b']);
  });
});
