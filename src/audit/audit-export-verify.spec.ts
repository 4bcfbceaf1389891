import { describe, expect, it } from '@jest/globals';
import { generateKeyPairSync } from 'node:crypto';
import { checkpointLine, eventLine, exportHeader } from './audit-export-format.js';
import { verifyExport } from './audit-export-verify.js';
import { parsePublicKey, publicKeyInfo, signCheckpoint } from './checkpoint-signature.js';
import { GENESIS_HASH, hashEvent, type ChainedEvent } from './hash-chain.js';

const key = generateKeyPairSync('ed25519');
const info = publicKeyInfo(key.publicKey);

/** n events with a checkpoint after each seq in `signed`. */
function exportLines(n: number, signed: number[]): string[] {
  const lines = [JSON.stringify(exportHeader(n, {}, info, new Date()))];
  let prev = GENESIS_HASH;
  for (let seq = 1; seq <= n; seq++) {
    const e: ChainedEvent = { seq, at: new Date(Date.UTC(2026, 0, 1, 0, 0, seq)).toISOString(), actorType: 'system', actorId: null, action: 'bundle.built', subjectType: 'bundle', subjectId: `b${seq}`, networkId: null, detail: { n: seq }, prevHash: prev };
    prev = hashEvent(e);
    lines.push(eventLine({ ...e, hash: prev }));
    if (signed.includes(seq)) {
      const at = new Date(Date.UTC(2026, 0, 1, 1, 0, seq));
      lines.push(checkpointLine({ seq, hash: prev, at, keyId: info.keyId, signature: signCheckpoint(key.privateKey, { seq, hash: prev, at: at.toISOString() }) }));
    }
  }
  return lines;
}

describe('verifyExport', () => {
  it('accepts an intact export and counts events and checkpoints', async () => {
    expect(await verifyExport(exportLines(6, [3, 5]), key.publicKey)).toEqual({ ok: true, events: 6, checkpoints: 2 });
  });
  it('refuses an export no checkpoint signs', async () => {
    expect(await verifyExport(exportLines(3, []), key.publicKey)).toMatchObject({ ok: false, problem: expect.stringMatching(/no signed checkpoint/) });
  });
  it('names the first event missing before a checkpoint that survived the cut', async () => {
    const lines = exportLines(6, [5]).filter((l) => !/"type":"event","seq":[456],/.test(l));
    expect(await verifyExport(lines, key.publicKey)).toMatchObject({ ok: false, firstBadSeq: 4, problem: expect.stringMatching(/cut short/) });
  });
  it('names the checkpoint a different key signed', async () => {
    const other = generateKeyPairSync('ed25519');
    expect(await verifyExport(exportLines(4, [2]), other.publicKey)).toMatchObject({ ok: false, firstBadSeq: 2 });
  });
});

describe('parsePublicKey', () => {
  it('reads the PEM, base64, hex and API JSON forms of one key', () => {
    for (const form of [info.publicKeyPem, info.publicKeyBase64, info.publicKeyHex, JSON.stringify(info)]) {
      expect(publicKeyInfo(parsePublicKey(form)).keyId).toBe(info.keyId);
    }
  });
  it('refuses what is not an Ed25519 public key', () => {
    expect(() => parsePublicKey('hello')).toThrow(/not a public key/);
    const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey.export({ format: 'pem', type: 'spki' }).toString();
    expect(() => parsePublicKey(rsa)).toThrow(/Ed25519/);
  });
});
