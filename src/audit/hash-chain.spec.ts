import { describe, expect, it } from '@jest/globals';
import { canonicalJson, GENESIS_HASH, hashEvent, verifyChain, type ChainedEvent } from './hash-chain.js';

function chain(n: number) {
  const events: (ChainedEvent & { hash: string })[] = [];
  let prev = GENESIS_HASH;
  for (let seq = 1; seq <= n; seq++) {
    const e: ChainedEvent = {
      seq,
      at: new Date(Date.UTC(2026, 0, 1, 0, 0, seq)).toISOString(),
      actorType: 'staff',
      actorId: '00000000-0000-4000-8000-000000000001',
      action: 'member.created',
      subjectType: 'member',
      subjectId: `m${seq}`,
      networkId: null,
      detail: { fields: ['name', 'email'], n: seq },
      prevHash: prev,
    };
    const hash = hashEvent(e);
    events.push({ ...e, hash });
    prev = hash;
  }
  return events;
}

describe('canonicalJson', () => {
  it('sorts keys at every depth so key order never changes a hash', () => {
    expect(canonicalJson({ b: 1, a: { d: [2, { z: 1, y: 2 }], c: null } })).toBe(
      '{"a":{"c":null,"d":[2,{"y":2,"z":1}]},"b":1}',
    );
  });
  it('refuses numbers JSON cannot carry', () => {
    expect(() => canonicalJson({ x: Number.NaN })).toThrow('non-finite');
  });
});

describe('verifyChain', () => {
  it('accepts an intact chain and counts its events', () => {
    expect(verifyChain(chain(5))).toEqual({ ok: true, events: 5 });
  });
  it('names the event whose content was changed', () => {
    const events = chain(5);
    events[2] = { ...events[2], detail: { fields: ['name'], n: 3 } };
    expect(verifyChain(events)).toMatchObject({ ok: false, firstBadSeq: 3 });
  });
  it('names the place where an event was removed', () => {
    const events = chain(5);
    events.splice(1, 1);
    expect(verifyChain(events)).toMatchObject({ ok: false, firstBadSeq: 2 });
  });
  it('detects a rehashed event that no longer links to its predecessor', () => {
    const events = chain(4);
    const forged = { ...events[1], detail: { forged: true } };
    forged.hash = hashEvent(forged);
    events[1] = forged;
    expect(verifyChain(events)).toMatchObject({ ok: false, firstBadSeq: 3 });
  });
});
