import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { insertMember, insertNetwork, insertStaff } from '../factories/factories.js';
import { brief, corpusBytes, corpusCases, type CorpusCase, type ExpectedProblem } from '../fixtures/bad-input/corpus.js';
import { runCli } from '../support/run-cli.js';
import { startTestApp, TEST_SESSION_SECRET, type TestApp } from '../support/test-app.js';

// Every file of test/fixtures/bad-input (cases.json says what each must get) goes through the import
// API; a representative few also through `members:import`. A refused file changes nothing at all.

let t: TestApp;
let env: Record<string, string>;
let work: string;

beforeAll(async () => {
  t = await startTestApp();
  env = { DATABASE_URL: t.database.url, SESSION_SECRET: TEST_SESSION_SECRET, DATA_DIR: t.dataDir };
  work = mkdtempSync(join(tmpdir(), 'lb-bad-input-'));
});
afterAll(async () => {
  rmSync(work, { recursive: true, force: true });
  await t.close();
});

const CASES = corpusCases();
const byFile = (file: string) => CASES.find((c) => c.file === file)!;

async function rowCounts() {
  const [row] = await t.dataSource.query(
    `SELECT (SELECT count(*) FROM member)::int AS members,
            (SELECT count(*) FROM membership)::int AS memberships,
            (SELECT count(*) FROM audit_event)::int AS audit_events`,
  );
  return row as { members: number; memberships: number; audit_events: number };
}

/** The members the case says must already exist; a case may run twice (API, then CLI). */
async function ensureExisting(c: CorpusCase, networkId: string) {
  for (const email of c.existingEmails ?? []) {
    const [found] = await t.dataSource.query('SELECT id FROM member WHERE email = $1', [email]);
    if (!found) await insertMember(t.app, networkId, { email });
  }
}

// The fixtures' people all have e-mails at example domains; none may come back in an answer.
const EMAIL_IN_FIXTURE = /[\p{L}\p{N}._+-]+@[\p{L}\p{N}.-]*example\.(?:dk|pl|org)/iu;

describe('the bad-input corpus through POST /api/v1/networks/{id}/members/import', () => {
  it.each(CASES.map((c) => [c.file, c] as const))('%s', async (_file, c) => {
    const network = await insertNetwork(t.app);
    const coordinator = await insertStaff(t.app, 'coordinator', [network.id]);
    await ensureExisting(c, network.id);
    const expected = c.http ?? c;
    const before = await rowCounts();

    const res = await request(t.http)
      .post(`/api/v1/networks/${network.id}/members/import`)
      .set('Authorization', `Bearer ${coordinator.token}`)
      .set('Content-Type', c.contentType ?? 'text/csv')
      .send(corpusBytes(c));

    expect(res.status).toBe(expected.status);
    if (expected.status === 201) {
      expect(res.body).toMatchObject({ dryRun: false, valid: c.created, created: c.created, format: c.format });
      const after = await rowCounts();
      expect(after.members - before.members).toBe(c.created);
      expect(after.memberships - before.memberships).toBe(c.created);
      for (const values of c.stored ?? []) {
        const [member] = await t.dataSource.query(
          `SELECT m.name, m.email, m.phone, m.city, m.about_me FROM member m JOIN membership ms ON ms.member_id = m.id
            WHERE ms.network_id = $1 AND m.email = $2`,
          [network.id, values.email],
        );
        expect(member).toMatchObject(values);
      }
      for (const email of c.notStored ?? []) {
        expect(await t.dataSource.query('SELECT id FROM member WHERE email = $1', [email])).toEqual([]);
      }
      return;
    }
    expect(res.body.code).toBe(expected.code);
    expect(brief(res.body.errors)).toEqual(expected.problems ?? []);
    expect(res.body.requestId).toEqual(expect.any(String));
    expect(JSON.stringify(res.body)).not.toMatch(EMAIL_IN_FIXTURE);
    expect(await rowCounts()).toEqual(before);
  });
});

/** `  row 3, name: message (CODE)` lines of the command line's failure report. */
function cliProblems(stderr: string): ExpectedProblem[] {
  return stderr
    .split('\n')
    .slice(1)
    .map((line) => /^ {2}(?:row (\d+), )?(?:([a-z_]+): )?.* \(([A-Z0-9_]+)\)$/.exec(line))
    .filter((m): m is RegExpExecArray => m !== null)
    .map(([, row, field, code]) => ({ ...(row && { row: Number(row) }), ...(field && { field }), code }));
}

describe('the same files through members:import', () => {
  it.each(
    [
      'utf8-broken-bytes.csv',
      'formula-minus.csv',
      'cpr-numbers.csv',
      'control-characters.csv',
      'bidi-controls.csv',
      'duplicate-email-existing-member.csv',
      'empty.csv',
      'external-link-unusual-path.xlsx',
      'zip-bomb-ratio.xlsx',
      'hidden-row.xlsx',
      'single-line-50mb.csv',
    ].map((file) => [file, byFile(file)] as const),
  )('refuses %s with exit code 1 and the same problems', async (file, c) => {
    const network = await insertNetwork(t.app);
    await ensureExisting(c, network.id);
    const expected = c.cli ?? c;
    const path = join(work, file);
    writeFileSync(path, corpusBytes(c));
    const before = await rowCounts();
    try {
      const result = await runCli(['members:import', '--network', network.slug, '--file', path], env);
      expect(result.code).toBe(1);
      expect(result.stdout).toBe('');
      expect(result.stderr.split('\n')[0]).toMatch(/^VALIDATION_FAILED: /);
      expect(cliProblems(result.stderr)).toEqual(expected.problems);
      expect(result.stderr).not.toMatch(EMAIL_IN_FIXTURE);
    } finally {
      rmSync(path, { force: true });
    }
    expect(await rowCounts()).toEqual(before);
  });

  it('checks a tricky good file on --dry-run without writing anything', async () => {
    const network = await insertNetwork(t.app);
    const c = byFile('good-windows1252-semicolon-declared-utf8.csv');
    const path = join(work, c.file);
    // The API test imports these very people; other e-mails keep this test on its own data.
    writeFileSync(path, Buffer.from(corpusBytes(c).toString('latin1').replaceAll('@w1252.', '@w1252-cli.'), 'latin1'));
    const before = await rowCounts();
    const result = await runCli(['members:import', '--network', network.slug, '--file', path, '--dry-run'], env);
    expect(result.code).toBe(0);
    expect(result.json).toMatchObject({ dryRun: true, valid: c.created, created: 0, format: 'csv' });
    expect(await rowCounts()).toEqual(before);
  });
});
