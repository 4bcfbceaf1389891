import { describe, expect, it } from '@jest/globals';
import { effectiveConsent } from './effective-consent.js';

const t = (minute: number) => new Date(Date.UTC(2026, 10, 1, 12, minute));

describe('effectiveConsent', () => {
  it('shares nothing when the member never consented', () => {
    expect(effectiveConsent([])).toEqual({ fields: [], since: null });
  });

  it('takes the newest record, whatever order the records come in', () => {
    const result = effectiveConsent([
      { kind: 'grant', fields: ['name', 'phone'], recordedAt: t(5) },
      { kind: 'grant', fields: ['name', 'email', 'city'], recordedAt: t(1) },
    ]);
    expect(result.fields).toEqual(['name', 'phone']);
    expect(result.since).toEqual(t(5));
  });

  it('shares nothing after a withdrawal, even if earlier grants exist', () => {
    const result = effectiveConsent([
      { kind: 'grant', fields: ['name'], recordedAt: t(1) },
      { kind: 'withdrawal', fields: [], recordedAt: t(2) },
    ]);
    expect(result.fields).toEqual([]);
  });

  it('breaks a timestamp tie by insertion order', () => {
    const result = effectiveConsent([
      { kind: 'withdrawal', fields: [], recordedAt: t(1), seq: 2 },
      { kind: 'grant', fields: ['name'], recordedAt: t(1), seq: 1 },
    ]);
    expect(result.fields).toEqual([]);
  });

  it('answers for a past moment by ignoring later records', () => {
    const records = [
      { kind: 'grant' as const, fields: ['name', 'email'], recordedAt: t(1) },
      { kind: 'withdrawal' as const, fields: [], recordedAt: t(10) },
    ];
    expect(effectiveConsent(records, t(5)).fields).toEqual(['name', 'email']);
  });

  it('ignores unknown field names and returns fields in list order', () => {
    expect(effectiveConsent([{ kind: 'grant', fields: ['city', 'cpr', 'name'], recordedAt: t(1) }]).fields).toEqual([
      'name',
      'city',
    ]);
  });
});
