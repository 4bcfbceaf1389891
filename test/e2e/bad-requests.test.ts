import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import request from 'supertest';
import { insertConsentText, insertMember, insertNetwork, insertStaff, unique } from '../factories/factories.js';
import { activateMember, consentingMember, portalWorld, publish } from '../support/portal-world.js';
import { CLI_PATH } from '../support/run-cli.js';
import { startSmtpSink, type SmtpSink } from '../support/smtp-sink.js';
import { startTestApp, TEST_SESSION_SECRET, type TestApp } from '../support/test-app.js';
import { testSecretEnv } from '../support/test-secrets.js';

// Requests that are too big, carry fields no endpoint knows, are not JSON, or try to reach a file
// through a name or path: each gets a clear answer, and nothing changes or is written or read.

let t: TestApp;
let sink: SmtpSink;
let baseUrl: string;
let work: string;
let admin: Awaited<ReturnType<typeof insertStaff>>;
let coordinator: Awaited<ReturnType<typeof insertStaff>>;
let networkId: string;
let memberId: string;

beforeAll(async () => {
  sink = await startSmtpSink();
  t = await startTestApp({ SMTP_URL: sink.url });
  baseUrl = await t.listen();
  work = mkdtempSync(join(tmpdir(), 'lb-bad-requests-'));
  admin = await insertStaff(t.app, 'admin');
  networkId = (await insertNetwork(t.app)).id;
  coordinator = await insertStaff(t.app, 'coordinator', [networkId]);
  await insertConsentText(t.app, networkId);
  memberId = (await insertMember(t.app, networkId)).id;
});
afterAll(async () => {
  rmSync(work, { recursive: true, force: true });
  await t?.close();
  await sink?.close();
});

const auth = (token: string) => ({ Authorization: `Bearer ${token}` });

/** Every table a bad request could touch. */
async function rowCounts() {
  const [row] = await t.dataSource.query(
    `SELECT (SELECT count(*) FROM member)::int AS members, (SELECT count(*) FROM membership)::int AS memberships,
            (SELECT count(*) FROM consent)::int AS consents, (SELECT count(*) FROM contact_list)::int AS lists,
            (SELECT count(*) FROM network)::int AS networks, (SELECT count(*) FROM audit_event)::int AS audit_events`,
  );
  return row as Record<string, number>;
}

const ENDPOINT_NAMES = ['create member', 'update member', 'create list', 'record consent', 'create network'];
const endpoint = (name: string) => ENDPOINTS().find((x) => x.name === name)!;

/** A JSON endpoint, and a body it accepts (built when a test runs: the ids exist only then). */
const ENDPOINTS = () => [
  { name: 'create member', method: 'post', path: `/api/v1/networks/${networkId}/members`, token: coordinator.token, body: { name: 'Anna Holm', email: `anna.${unique()}@example.dk` } },
  { name: 'update member', method: 'patch', path: `/api/v1/members/${memberId}`, token: coordinator.token, body: { city: 'Vejle' } },
  { name: 'create list', method: 'post', path: `/api/v1/networks/${networkId}/lists`, token: coordinator.token, body: { slug: `l-${unique()}`, title: 'Kontaktliste' } },
  {
    name: 'record consent',
    method: 'post',
    path: `/api/v1/networks/${networkId}/members/${memberId}/consents`,
    token: coordinator.token,
    body: { fields: ['name'], consentTextVersion: 1, channel: 'paper' },
  },
  { name: 'create network', method: 'post', path: '/api/v1/networks', token: admin.token, body: { slug: `n-${unique()}`, name: 'Netværk' } },
] as const;

function send(e: ReturnType<typeof ENDPOINTS>[number], body: unknown, contentType = 'application/json') {
  const req = e.method === 'post' ? request(t.http).post(e.path) : request(t.http).patch(e.path);
  return req.set(auth(e.token)).set('Content-Type', contentType).send(body as object);
}

describe('oversize request bodies', () => {
  it.each(ENDPOINT_NAMES)('answers a JSON body over 100 kb to %s with 413 PAYLOAD_TOO_LARGE and stores nothing', async (name) => {
    const e = endpoint(name);
    const before = await rowCounts();
    const res = await send(e, { ...e.body, padding: 'x'.repeat(101 * 1024) });
    expect(res.status).toBe(413);
    expect(res.body).toMatchObject({ code: 'PAYLOAD_TOO_LARGE', requestId: expect.any(String) });
    expect(await rowCounts()).toEqual(before);
  });

  it('measures the limit after decompression: a small gzip body that inflates past 100 kb gets 413', async () => {
    const before = await rowCounts();
    const res = await fetch(`${baseUrl}/api/v1/networks/${networkId}/members`, {
      method: 'POST',
      headers: { ...auth(coordinator.token), 'Content-Type': 'application/json', 'Content-Encoding': 'gzip' },
      body: gzipSync(JSON.stringify({ name: 'Anna', email: `gz.${unique()}@example.dk`, aboutMe: 'x'.repeat(5_000_000) })),
    });
    expect(res.status).toBe(413);
    expect(await res.json()).toMatchObject({ code: 'PAYLOAD_TOO_LARGE' });
    expect(await rowCounts()).toEqual(before);
  });

  it('answers an import over 20 MB with 413, whether it is sent as it is or gzip-compressed', async () => {
    const before = await rowCounts();
    const csv = Buffer.concat([Buffer.from(`Navn;E-mail\r\nAnna;big.${unique()}@example.dk\r\n`), Buffer.alloc(21 * 1024 * 1024, 'x')]);
    const plain = await request(t.http).post(`/api/v1/networks/${networkId}/members/import`).set(auth(coordinator.token)).set('Content-Type', 'text/csv').send(csv);
    expect(plain.status).toBe(413);
    expect(plain.body.code).toBe('PAYLOAD_TOO_LARGE');
    const packed = await fetch(`${baseUrl}/api/v1/networks/${networkId}/members/import`, {
      method: 'POST',
      headers: { ...auth(coordinator.token), 'Content-Type': 'text/csv', 'Content-Encoding': 'gzip' },
      body: gzipSync(csv),
    });
    expect(packed.status).toBe(413);
    expect(await rowCounts()).toEqual(before);
  });

  it('answers a portal form over 20 kb with 413', async () => {
    const res = await request(t.http).post('/portal/login').set('Content-Type', 'application/x-www-form-urlencoded').send(`email=${'x'.repeat(30 * 1024)}`);
    expect(res.status).toBe(413);
  });
});

describe('unknown JSON fields', () => {
  it.each(ENDPOINT_NAMES)('refuses an unknown field on %s with 400 naming it, and stores nothing', async (name) => {
    const e = endpoint(name);
    const before = await rowCounts();
    const res = await send(e, { ...e.body, isAdmin: true, extra: { nested: 1 } });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('VALIDATION_FAILED');
    expect(res.body.errors).toEqual(
      expect.arrayContaining([
        { field: 'isAdmin', code: 'UNKNOWN_FIELD', message: 'isAdmin is not a known field' },
        { field: 'extra', code: 'UNKNOWN_FIELD', message: 'extra is not a known field' },
      ]),
    );
    expect(await rowCounts()).toEqual(before);
  });

  it('lets a "__proto__" or "constructor" key pollute no object', async () => {
    const e = ENDPOINTS()[0];
    const email = `proto.${unique()}@example.dk`;
    await send(e, `{"name":"Anna Holm","email":"${email}","__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}}}`);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect((Object.prototype as Record<string, unknown>).polluted).toBeUndefined();
  });

  // class-transformer drops these keys before the whitelist check; the validation pipe refuses them first.
  it('refuses "__proto__" and "constructor" keys as unknown fields', async () => {
    const e = ENDPOINTS()[0];
    const before = await rowCounts();
    const res = await send(e, `{"name":"Anna Holm","email":"proto2.${unique()}@example.dk","__proto__":{"isAdmin":true}}`);
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual(expect.arrayContaining([expect.objectContaining({ field: '__proto__', code: 'UNKNOWN_FIELD' })]));
    expect(await rowCounts()).toEqual(before);
  });
});

describe('malformed JSON', () => {
  it.each([
    ['a cut-off object', '{"name":"Anna Holm",'],
    ['two objects', '{"name":"A"}{"name":"B"}'],
    ['a bare null', 'null'],
    ['a bare string', '"Anna Holm"'],
    ['plain text', 'Anna Holm, anna@example.dk'],
    ['a trailing comma', '{"name":"Anna Holm","email":"a@example.dk",}'],
  ])('answers %s with 400 and changes nothing', async (_what, body) => {
    for (const e of ENDPOINTS()) {
      const before = await rowCounts();
      const res = await send(e, body);
      expect(res.status).toBe(400);
      expect(res.body.requestId).toEqual(expect.any(String));
      expect(await rowCounts()).toEqual(before);
    }
  });

  // Nest turns body-parser's SyntaxError into a BadRequestException whose message quotes the body
  // ("Søren Hemmelig" is not valid JSON); the filter never repeats framework messages.
  it('answers malformed JSON with MALFORMED_BODY and never quotes the body back', async () => {
    const res = await send(ENDPOINTS()[0], 'Søren Hemmelig');
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('MALFORMED_BODY');
    expect(JSON.stringify(res.body)).not.toContain('Hemmelig');
  });
});

describe('path traversal', () => {
  it.each([
    ['get', '/api/v1/members/..%2F..%2F..%2Fetc%2Fpasswd', 'memberId'],
    ['get', '/api/v1/members/%2e%2e', 'memberId'],
    ['patch', '/api/v1/members/..%5C..%5Cwindows%5Cwin.ini', 'memberId'],
    ['post', '/api/v1/networks/..%2F..%2Fetc/members/import', 'networkId'],
    ['get', '/api/v1/editions/%2e%2e%2f%2e%2e%2fbundles/rows', 'editionId'],
    ['get', '/api/v1/lists/..%252F..%252F/editions', 'listId'],
  ] as const)('refuses %s %s: ids in URLs are UUIDs or a 400 naming the parameter', async (method, path, field) => {
    const res = await request(t.http)[method](path).set(auth(admin.token)).send({});
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ code: 'VALIDATION_FAILED', field, errors: [{ field, code: 'INVALID_UUID' }] });
  });

  function filesUnder(dir: string): string[] {
    return existsSync(dir) ? readdirSync(dir, { recursive: true }).map(String).sort() : [];
  }

  it('ignores the file name an upload carries: a ../ in Content-Disposition neither writes nor names a file', async () => {
    const target = `lb-traversal-${unique()}.csv`;
    const network = await insertNetwork(t.app);
    const dataBefore = filesUnder(t.dataDir);
    const res = await request(t.http)
      .post(`/api/v1/networks/${network.id}/members/import`)
      .set(auth(admin.token))
      .set('Content-Type', 'text/csv')
      .set('Content-Disposition', `attachment; filename="../../../../../tmp/${target}"; filename*=UTF-8''..%2F..%2F..%2F..%2Ftmp%2F${target}`)
      .send(`Navn;E-mail\r\nAnna Holm;cd.${unique()}@example.dk\r\n`);
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ created: 1 });
    expect(existsSync(join('/tmp', target))).toBe(false);
    expect(filesUnder(t.dataDir)).toEqual(dataBefore);
    const [{ n }] = await t.dataSource.query(`SELECT count(*)::int AS n FROM audit_event WHERE detail::text LIKE $1`, [`%${target}%`]);
    expect(n).toBe(0);
  });

  it('refuses a multipart form upload (the file must be the body), and writes nothing anywhere', async () => {
    const target = `lb-multipart-${unique()}.csv`;
    const before = await rowCounts();
    const dataBefore = filesUnder(t.dataDir);
    const res = await request(t.http)
      .post(`/api/v1/networks/${networkId}/members/import`)
      .set(auth(coordinator.token))
      .attach('file', Buffer.from(`Navn;E-mail\r\nAnna Holm;mp.${unique()}@example.dk\r\n`), `../../../../tmp/${target}`);
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('VALIDATION_FAILED');
    expect(JSON.stringify(res.body)).not.toContain(target);
    expect(existsSync(join('/tmp', target))).toBe(false);
    expect(filesUnder(t.dataDir)).toEqual(dataBefore);
    expect(await rowCounts()).toEqual(before);
  });

  it('serves portal downloads only by bundle id and a fixed kind: traversal in either gets 404 and records no download', async () => {
    const world = await portalWorld(t.app);
    const member = await consentingMember(t.app, world.network.id);
    const { client } = await activateMember(t.app, sink, baseUrl, world.coordinator.token, member);
    await publish(t.app, world.coordinator.token, world.listId);
    const [bundleId] = [...(await client.get('/portal')).text.matchAll(/\/portal\/beskeder\/([0-9a-f-]{36})\/zip/g)].map((m) => m[1]);
    expect(bundleId).toBeDefined();
    const downloads = async () =>
      (await t.dataSource.query(`SELECT count(*)::int AS n FROM audit_event WHERE action = 'bundle.downloaded' AND subject_id = $1`, [bundleId]))[0].n as number;
    const before = await downloads();

    for (const path of [
      `/portal/beskeder/${bundleId}/..%2F..%2F..%2F..%2Fetc%2Fpasswd`,
      `/portal/beskeder/${bundleId}/%2e%2e`,
      `/portal/beskeder/${bundleId}/..%5C..%5Cwindows%5Cwin.ini`,
      `/portal/beskeder/${bundleId}/zip%00.pdf`,
      `/portal/beskeder/${bundleId}/__proto__`,
      `/portal/beskeder/${bundleId}/constructor`,
      `/portal/beskeder/${bundleId}/toString`,
      `/portal/beskeder/..%2F..%2F..%2Fetc%2Fpasswd/zip`,
      `/portal/beskeder/${bundleId}%2F..%2F..%2F/zip`,
    ]) {
      const res = await client.get(path);
      expect([path, res.status]).toEqual([path, 404]);
      expect(res.headers.get('content-disposition')).toBeNull();
      expect(res.text).not.toMatch(/root:x?:0:0/);
    }
    expect(await downloads()).toBe(before);

    // The real download names its file from the bundle's date only, never from anything sent.
    const zip = await client.get(`/portal/beskeder/${bundleId}/zip`);
    expect(zip.status).toBe(200);
    expect(zip.headers.get('content-disposition')).toMatch(/^attachment; filename="kontaktliste-\d{4}-\d{2}-\d{2}\.zip"$/);
  }, 120_000);
});

/** The compiled command line run from a chosen working directory, as an operator runs it. */
function cliIn(cwd: string, args: string[]): Promise<{ code: number | null; stdout: string; stderr: string; json?: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI_PATH, ...args], {
      cwd,
      env: { PATH: process.env.PATH ?? '', LOG_LEVEL: 'warn', DATABASE_URL: t.database.url, SESSION_SECRET: TEST_SESSION_SECRET, DATA_DIR: t.dataDir, ...testSecretEnv() },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => {
      let json: Record<string, unknown> | undefined;
      try {
        json = JSON.parse(stdout.trim().split('\n').pop() ?? '') as Record<string, unknown>;
      } catch {
        json = undefined;
      }
      resolve({ code, stdout, stderr, json });
    });
  });
}

// The command line runs on the operator's own machine with the operator's own rights: a path they
// give is theirs to choose, as with cp or age -o. So --out and --file are not confined to a folder;
// a relative path, ../ included, is resolved against the working directory, exactly as the shell
// would. What the command line must not do is build a path from anything but what the operator typed.
describe('paths given to the command line', () => {
  it('bundles:get --out writes to the path as given, ../ resolved against the working directory, readable by the owner only', async () => {
    const seeded = await cliIn(work, ['demo:seed', '--members', '6', '--networks', '1', '--accounts', '0', '--seed', '11']);
    expect(seeded.code).toBe(0);
    const published = await cliIn(work, ['publish', '--network', (seeded.json!.networks as string[])[0]]);
    expect(published.code).toBe(0);
    const editionId = String(published.json!.editionId);
    const email = String(seeded.json!.exampleMember);

    const cwd = join(work, 'operator', 'here');
    mkdirSync(cwd, { recursive: true });
    const got = await cliIn(cwd, ['bundles:get', '--edition', editionId, '--member', email, '--out', '../bundle.age']);
    expect(got.stderr).toBe('');
    expect(got.code).toBe(0);
    const written = join(work, 'operator', 'bundle.age');
    expect(readFileSync(written).subarray(0, 21).toString()).toBe('age-encryption.org/v1');
    expect(statSync(written).mode & 0o777).toBe(0o600);
    expect(readdirSync(cwd)).toEqual([]);

    // Values that are not paths never become one: a traversal in the edition id or the member is refused
    // before anything is written.
    for (const args of [
      ['--edition', '../../../etc/passwd', '--member', email],
      ['--edition', editionId, '--member', '../../../etc/passwd'],
    ]) {
      const out = join(cwd, `refused-${unique()}.age`);
      const refused = await cliIn(cwd, ['bundles:get', ...args, '--out', out]);
      expect(refused.code).toBe(1);
      expect(refused.stderr).toMatch(/CLI_BAD_ID|MEMBER_NOT_FOUND/);
      expect(existsSync(out)).toBe(false);
    }
  }, 180_000);

  it('audit:export --out writes to the path as given, ../ resolved against the working directory, with no partial file left', async () => {
    const cwd = join(work, 'auditor', 'here');
    mkdirSync(cwd, { recursive: true });
    const result = await cliIn(cwd, ['audit:export', '--format', 'jsonl', '--out', '../audit.jsonl']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const written = join(work, 'auditor', 'audit.jsonl');
    expect(readFileSync(written, 'utf8').length).toBeGreaterThan(0);
    expect(statSync(written).mode & 0o777).toBe(0o600);
    expect(readdirSync(join(work, 'auditor')).sort()).toEqual(['audit.jsonl', 'here']);
    expect(readdirSync(cwd)).toEqual([]);
  });

  it('members:import --file reads a relative ../ path from the working directory', async () => {
    const network = await insertNetwork(t.app);
    const cwd = join(work, 'importer', 'here');
    mkdirSync(cwd, { recursive: true });
    writeFileSync(join(work, 'importer', 'members.csv'), `Navn;E-mail\r\nAnna Holm;rel.${unique()}@example.dk\r\n`);
    const result = await cliIn(cwd, ['members:import', '--network', network.slug, '--file', '../members.csv', '--dry-run']);
    expect(result.code).toBe(0);
    expect(result.json).toMatchObject({ dryRun: true, valid: 1, created: 0 });
  });
});
