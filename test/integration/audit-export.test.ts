import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import request from 'supertest';
import { AuditCheckpointsService } from '../../src/audit/audit-checkpoints.service.js';
import { publicKeyInfo, signCheckpoint } from '../../src/audit/checkpoint-signature.js';
import { createApp } from '../../src/app.factory.js';
import { CLI_ACTOR } from '../../src/common/actor.js';
import { createLogger } from '../../src/common/logger.js';
import { loadConfig } from '../../src/config/load-config.js';
import { DatabaseTarget } from '../../src/database/database-target.js';
import { insertMember, insertNetwork, insertStaff } from '../factories/factories.js';
import { runCli } from '../support/run-cli.js';
import { startTestApp, TEST_SESSION_SECRET, type TestApp } from '../support/test-app.js';
import { testSecretEnv } from '../support/test-secrets.js';
import { AuditSigningKey } from '../../src/audit/audit-signing-key.js';

let t: TestApp;
let dir: string;
let env: Record<string, string>;
let adminToken: string;
let auditorToken: string;
let networkId: string;
let memberId: string;
/** The export every test starts from, as lines, and the key files an auditor would hold. */
let full: string[];
const keyFiles: Record<'pem' | 'json', string> = { pem: '', json: '' };
const keyText: Record<'base64' | 'hex', string> = { base64: '', hex: '' };

type Line = Record<string, unknown> & { type: string; seq?: number };
const parseLines = (lines: string[]): Line[] => lines.filter((l) => l.trim()).map((l) => JSON.parse(l) as Line);

/** Reads a streamed body as text, whatever its content type. */
const asText = (res: request.Response, done: (err: Error | null, body: string) => void) => {
  const stream = res as unknown as import('node:http').IncomingMessage;
  let body = '';
  stream.setEncoding('utf8');
  stream.on('data', (chunk: string) => (body += chunk));
  stream.on('end', () => done(null, body));
};

async function exportAsAuditor(query = 'format=jsonl'): Promise<{ status: number; type: string; body: string }> {
  const res = await request(t.http).get(`/api/v1/audit/export?${query}`).set('Authorization', `Bearer ${auditorToken}`).buffer(true).parse(asText);
  return { status: res.status, type: String(res.headers['content-type']), body: res.body as string };
}

let variant = 0;
async function writeLines(lines: string[]): Promise<string> {
  const file = join(dir, `variant-${++variant}.jsonl`);
  await writeFile(file, lines.join('\n') + '\n');
  return file;
}

/** Offline, as an auditor runs it: no database and no configuration in the environment. */
const verifyOffline = (file: string, key = keyFiles.pem) => runCli(['audit:verify', '--file', file, '--public-key', key], {});

beforeAll(async () => {
  t = await startTestApp();
  dir = await mkdtemp(join(tmpdir(), 'lb-audit-export-'));
  env = { DATABASE_URL: t.database.url, SESSION_SECRET: TEST_SESSION_SECRET, DATA_DIR: t.dataDir };
  adminToken = (await insertStaff(t.app, 'admin')).token;
  auditorToken = (await insertStaff(t.app, 'auditor')).token;
  networkId = (await insertNetwork(t.app)).id;
  memberId = (await insertMember(t.app, networkId)).id;
  for (let i = 0; i < 3; i++) await insertMember(t.app, networkId);
  await request(t.http).post('/api/v1/audit/checkpoints').set('Authorization', `Bearer ${adminToken}`).expect(201);
  for (let i = 0; i < 3; i++) await insertMember(t.app, networkId);
  await t.app.get(AuditCheckpointsService).create(CLI_ACTOR);
  await insertMember(t.app, networkId);

  const exported = await exportAsAuditor();
  expect(exported.status).toBe(200);
  full = exported.body.trimEnd().split('\n');
  const key = (await request(t.http).get('/api/v1/audit/public-key').expect(200)).body;
  keyFiles.pem = join(dir, 'audit-public-key.pem');
  await writeFile(keyFiles.pem, key.publicKeyPem);
  keyFiles.json = join(dir, 'audit-public-key.json');
  await writeFile(keyFiles.json, JSON.stringify(key));
  keyText.base64 = key.publicKeyBase64;
  keyText.hex = key.publicKeyHex;
});
afterAll(async () => {
  await t.close();
  await rm(dir, { recursive: true, force: true });
});

const eventLines = () => parseLines(full).filter((l) => l.type === 'event');
const checkpointLines = () => parseLines(full).filter((l) => l.type === 'checkpoint');
const lastCheckpointSeq = () => checkpointLines().at(-1)!.seq!;

describe('the JSONL export', () => {
  it('starts with a header naming the format, the head it reaches and the public key, then events with checkpoints after the event they sign', async () => {
    const [header, ...rest] = parseLines(full);
    const key = (await request(t.http).get('/api/v1/audit/public-key').expect(200)).body;
    expect(header).toMatchObject({ type: 'header', format: 'listebud-audit-export', version: 1, filtered: false, verifiable: true, publicKey: { keyId: key.keyId } });
    const events = rest.filter((l) => l.type === 'event');
    expect(events.map((e) => e.seq)).toEqual(Array.from({ length: events.length }, (_, i) => i + 1));
    expect(events.at(-1)).toMatchObject({ action: 'audit.exported', actorType: 'staff' });
    expect(header.toSeq).toBe(events.length);
    // The two made before, and the one the export signed of its own head (the export event).
    expect(checkpointLines()).toHaveLength(3);
    expect(checkpointLines().at(-1)).toMatchObject({ seq: header.toSeq });
    rest.forEach((line, i) => {
      if (line.type === 'checkpoint') expect(rest[i - 1]).toMatchObject({ type: 'event', seq: line.seq, hash: line.hash });
    });
  });

  it('verifies offline, with no database or configuration, with the key as PEM file, API JSON file, base64 or hex', async () => {
    const file = await writeLines(full);
    for (const key of [keyFiles.pem, keyFiles.json, keyText.base64, keyText.hex]) {
      const result = await verifyOffline(file, key);
      expect(result.json).toEqual({ ok: true, events: eventLines().length, checkpoints: 3 });
      expect(result.code).toBe(0);
    }
  });

  it('names the event whose line had one byte changed', async () => {
    const target = full.findIndex((l) => l.includes('"seq":5,') && l.startsWith('{"type":"event"'));
    for (const field of ['"action":"', '"prevHash":"', '"hash":"']) {
      const bytes = Buffer.from(full[target]);
      const at = bytes.indexOf(field) + field.length;
      bytes[at] ^= 0x01;
      const lines = [...full];
      lines[target] = bytes.toString();
      const result = await verifyOffline(await writeLines(lines));
      expect(result.code).toBe(1);
      expect(result.json).toMatchObject({ ok: false, firstBadSeq: 5 });
    }
  });

  it('fails as cut short when the events before the last checkpoint were dropped', async () => {
    const last = lastCheckpointSeq();
    const lines = full.filter((l) => {
      const line = JSON.parse(l) as Line;
      return line.type !== 'event' || line.seq! <= last - 2;
    });
    const result = await verifyOffline(await writeLines(lines));
    expect(result.code).toBe(1);
    expect(result.json).toMatchObject({ ok: false, firstBadSeq: last - 1, problem: expect.stringMatching(/cut short.*checkpoint at seq/) });
  });

  it('fails when the events after the last checkpoint were dropped, against the head the header names', async () => {
    const toSeq = parseLines(full)[0].toSeq as number;
    const lines = full.filter((l) => (JSON.parse(l) as Line).seq !== toSeq);
    const result = await verifyOffline(await writeLines(lines));
    expect(result.code).toBe(1);
    expect(result.json).toMatchObject({ ok: false, firstBadSeq: toSeq, problem: expect.stringMatching(/header/) });
  });

  it('names a checkpoint whose hash was changed', async () => {
    const index = full.findIndex((l) => l.startsWith('{"type":"checkpoint"'));
    const cp = JSON.parse(full[index]) as Line;
    const other = eventLines().find((e) => e.seq === cp.seq! + 1)!;
    const lines = [...full];
    lines[index] = JSON.stringify({ ...cp, hash: other.hash });
    const result = await verifyOffline(await writeLines(lines));
    expect(result.code).toBe(1);
    expect(result.json).toMatchObject({ ok: false, firstBadSeq: cp.seq, problem: expect.stringMatching(/signature/) });
  });

  it('names a checkpoint signed with another key, whichever key id it claims', async () => {
    const index = full.map((l) => l.startsWith('{"type":"checkpoint"')).lastIndexOf(true);
    const cp = JSON.parse(full[index]) as Line & { seq: number; hash: string; at: string; keyId: string };
    const forger = generateKeyPairSync('ed25519');
    const signature = signCheckpoint(forger.privateKey, { seq: cp.seq, hash: cp.hash, at: cp.at });
    for (const keyId of [cp.keyId, publicKeyInfo(forger.publicKey).keyId]) {
      const lines = [...full];
      lines[index] = JSON.stringify({ ...cp, keyId, signature });
      const result = await verifyOffline(await writeLines(lines));
      expect(result.code).toBe(1);
      expect(result.json).toMatchObject({ ok: false, firstBadSeq: cp.seq });
    }
  });

  it('refuses to verify a filtered export, which says so in its header', async () => {
    const exported = await exportAsAuditor(`format=jsonl&networkId=${networkId}`);
    const lines = exported.body.trimEnd().split('\n');
    const [header, ...rest] = parseLines(lines);
    expect(header).toMatchObject({ filtered: true, verifiable: false, filters: { networkId } });
    expect(rest.every((l) => l.type === 'event' && l.networkId === networkId)).toBe(true);
    const result = await verifyOffline(await writeLines(lines));
    expect(result.code).toBe(1);
    expect(result.json).toMatchObject({ ok: false, problem: expect.stringMatching(/filtered/) });
  });

  it('writes the same verifiable export with audit:export on the command line', async () => {
    const out = join(dir, 'cli-export.jsonl');
    const exported = await runCli(['audit:export', '--format', 'jsonl', '--out', out], env);
    expect(exported.code).toBe(0);
    const [{ n: stored }] = await t.dataSource.query('SELECT count(*)::int AS n FROM audit_checkpoint');
    expect(exported.json).toMatchObject({ out, format: 'jsonl', filtered: false, checkpoints: stored });
    expect((await stat(out)).mode & 0o777).toBe(0o600);
    const result = await verifyOffline(out);
    expect(result.json).toMatchObject({ ok: true, events: exported.json!.events, checkpoints: stored });
  });
});

describe('the CSV export', () => {
  it('has one row per event, with the detail as JSON text', async () => {
    const out = join(dir, 'export.csv');
    const exported = await runCli(['audit:export', '--format', 'csv', '--out', out], env);
    expect(exported.code).toBe(0);
    const rows = parse(await readFile(out, 'utf8'), { columns: true }) as Record<string, string>[];
    expect(rows).toHaveLength(exported.json!.events as number);
    expect(rows.length).toBe(exported.json!.toSeq);
    expect(Object.keys(rows[0])).toEqual(['seq', 'at', 'actorType', 'actorId', 'action', 'subjectType', 'subjectId', 'networkId', 'detail', 'prevHash', 'hash']);
    expect(rows.map((r) => Number(r.seq))).toEqual(rows.map((_, i) => i + 1));
    for (const row of rows) expect(typeof JSON.parse(row.detail)).toBe('object');
  });

  it('streams over the API with the filters applied', async () => {
    const exported = await exportAsAuditor(`format=csv&memberId=${memberId}`);
    expect(exported.type).toMatch(/^text\/csv/);
    const rows = parse(exported.body, { columns: true }) as Record<string, string>[];
    expect(rows.length).toBeGreaterThanOrEqual(1);
    for (const row of rows) expect(row.subjectId === memberId || JSON.parse(row.detail).memberId === memberId).toBe(true);
  });

  it('refuses an unknown format, naming the field', async () => {
    const res = await request(t.http).get('/api/v1/audit/export?format=xml').set('Authorization', `Bearer ${auditorToken}`);
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ code: 'VALIDATION_FAILED', field: 'format' });
  });
});

describe('the auditors’ view of the log', () => {
  it('filters by member, action and time, and pages with a total', async () => {
    const all = await request(t.http).get(`/api/v1/audit/events?memberId=${memberId}`).set('Authorization', `Bearer ${auditorToken}`).expect(200);
    expect(all.body.total).toBeGreaterThanOrEqual(1);
    expect(all.body.items.every((e: { subjectId: string }) => e.subjectId === memberId)).toBe(true);

    const created = await request(t.http).get('/api/v1/audit/events?action=member.created&pageSize=3&page=2').set('Authorization', `Bearer ${auditorToken}`).expect(200);
    expect(created.body).toMatchObject({ page: 2, pageSize: 3, total: 8 });
    expect(created.body.items.map((e: { action: string }) => e.action)).toEqual(['member.created', 'member.created', 'member.created']);

    const future = new Date(Date.now() + 3_600_000).toISOString();
    const none = await request(t.http).get(`/api/v1/audit/events?from=${encodeURIComponent(future)}`).set('Authorization', `Bearer ${auditorToken}`).expect(200);
    expect(none.body).toMatchObject({ items: [], total: 0 });
    const bad = await request(t.http).get('/api/v1/audit/events?memberId=nope').set('Authorization', `Bearer ${auditorToken}`);
    expect(bad.body).toMatchObject({ code: 'VALIDATION_FAILED', field: 'memberId' });
  });

  it('lists the checkpoints newest first', async () => {
    const res = await request(t.http).get('/api/v1/audit/checkpoints').set('Authorization', `Bearer ${auditorToken}`).expect(200);
    expect(res.body.total).toBeGreaterThanOrEqual(2);
    const [newest, older] = res.body.items;
    expect(newest.seq).toBeGreaterThan(older.seq);
    expect(newest).toMatchObject({ kind: 'on_demand', slot: null, hash: expect.stringMatching(/^[0-9a-f]{64}$/) });
  });
});

/** Another instance on the same database with its own DATA_DIR. */
async function secondInstance(extra: Record<string, string>) {
  const dataDir = await mkdtemp(join(tmpdir(), 'lb-second-'));
  const config = loadConfig({ DATABASE_URL: t.database.url, SESSION_SECRET: TEST_SESSION_SECRET, LOG_LEVEL: 'silent', DATA_DIR: dataDir, ...extra });
  const app = await createApp({ config, database: new DatabaseTarget('postgres', { url: t.database.url }), logger: createLogger('silent') });
  await app.init();
  return {
    app,
    async close() {
      await app.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

describe('checkpoints and the signing key', () => {
  it('keeps a made signing key under DATA_DIR, readable by its owner only, with the embedded database only', async () => {
    const embeddedDir = await mkdtemp(join(tmpdir(), 'lb-key-'));
    try {
      const made = new AuditSigningKey(loadConfig({ DATA_DIR: embeddedDir })).publicKey();
      expect((await stat(join(embeddedDir, 'keys', 'audit-signing.pem'))).mode & 0o777).toBe(0o600);
      expect(new AuditSigningKey(loadConfig({ DATA_DIR: embeddedDir })).publicKey().keyId).toBe(made.keyId);
      const withServer = new AuditSigningKey(loadConfig({ DATA_DIR: embeddedDir, DATABASE_URL: t.database.url }));
      expect(() => withServer.publicKey()).toThrow(/AUDIT_SIGNING_KEY: is required when DATABASE_URL is set/);
    } finally {
      await rm(embeddedDir, { recursive: true, force: true });
    }
  });

  it('makes one scheduled checkpoint per hour however many instances ask at once, and none when nothing was logged since', async () => {
    const service = t.app.get(AuditCheckpointsService);
    await insertMember(t.app, networkId);
    const now = new Date();
    const made = (await Promise.all([service.createDue(now), service.createDue(now), service.createDue(now)])).filter((c) => c !== null);
    expect(made).toHaveLength(1);
    expect(made[0]).toMatchObject({ kind: 'scheduled', slot: new Date(Math.floor(now.getTime() / 3_600_000) * 3_600_000).toISOString() });
    await insertMember(t.app, networkId);
    expect(await service.createDue(now)).toBeNull();
    const nextHour = new Date(now.getTime() + 3_600_000);
    expect(await service.createDue(nextHour)).toMatchObject({ kind: 'scheduled' });
    expect(await service.createDue(new Date(now.getTime() + 2 * 3_600_000))).toBeNull();
  });

  it('makes a checkpoint on demand with audit:checkpoint and logs who asked', async () => {
    const result = await runCli(['audit:checkpoint'], env);
    expect(result.code).toBe(0);
    expect(result.json).toMatchObject({ kind: 'on_demand', seq: expect.any(Number), keyId: expect.any(String) });
    const [event] = await t.dataSource.query(`SELECT action, detail FROM audit_event WHERE seq = $1`, [(result.json!.seq as number) + 1]);
    expect(event).toMatchObject({ action: 'audit.checkpoint_created', detail: { seq: result.json!.seq } });
  });

  it('refuses to sign on an instance with another key, and signs once given the shared key', async () => {
    const otherKey = generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const other = await secondInstance({ AUDIT_SIGNING_KEY: otherKey });
    try {
      await expect(other.app.get(AuditCheckpointsService).create(CLI_ACTOR)).rejects.toMatchObject({ code: 'AUDIT_SIGNING_KEY_MISMATCH' });
    } finally {
      await other.close();
    }
    const keyFile = join(dir, 'shared-signing.pem');
    await writeFile(keyFile, testSecretEnv().AUDIT_SIGNING_KEY, { mode: 0o600 });
    const shared = await secondInstance({ AUDIT_SIGNING_KEY: keyFile });
    try {
      await expect(shared.app.get(AuditCheckpointsService).create(CLI_ACTOR)).resolves.toMatchObject({ kind: 'on_demand' });
    } finally {
      await shared.close();
    }
  });

  it('lets audit:verify on the live database check the checkpoints too, and name a forged one', async () => {
    const [{ n }] = await t.dataSource.query('SELECT count(*)::int AS n FROM audit_event');
    const [{ c }] = await t.dataSource.query('SELECT count(*)::int AS c FROM audit_checkpoint');
    const good = await runCli(['audit:verify'], env);
    expect(good.json).toEqual({ ok: true, events: n, checkpoints: c });
    const [event] = await t.dataSource.query('SELECT seq, hash FROM audit_event WHERE seq = 3');
    const forger = generateKeyPairSync('ed25519');
    const at = new Date();
    const signature = signCheckpoint(forger.privateKey, { seq: 3, hash: event.hash, at: at.toISOString() });
    const [{ key_id }] = await t.dataSource.query('SELECT key_id FROM audit_checkpoint LIMIT 1');
    await t.dataSource.query(
      `INSERT INTO audit_checkpoint (seq, hash, at, signature, key_id, kind) VALUES (3, $1, $2, $3, $4, 'on_demand')`,
      [event.hash, at, signature, key_id],
    );
    const bad = await runCli(['audit:verify'], env);
    expect(bad.code).toBe(1);
    expect(bad.json).toMatchObject({ ok: false, firstBadSeq: 3, problem: expect.stringMatching(/signature/) });
    await expect(t.dataSource.query('DELETE FROM audit_checkpoint')).rejects.toThrow(/append-only/);
  });
});
