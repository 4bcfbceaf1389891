import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { runCli } from '../support/run-cli.js';
import { startTestApp, TEST_SESSION_SECRET, type TestApp } from '../support/test-app.js';

let t: TestApp;
let env: Record<string, string>;

beforeAll(async () => {
  t = await startTestApp();
  env = { DATABASE_URL: t.database.url, SESSION_SECRET: TEST_SESSION_SECRET, DATA_DIR: t.dataDir };
});
afterAll(() => t.close());

describe('command line', () => {
  it('seeds demo networks and members with Danish and international names and consent', async () => {
    const result = await runCli(['demo:seed', '--members', '60', '--networks', '3', '--seed', '7'], env);
    expect(result.code).toBe(0);
    expect(result.json).toMatchObject({ members: 60, networks: expect.any(Array) });
    const slugs = result.json!.networks as string[];
    expect(slugs).toHaveLength(3);
    const names: string[] = (await t.dataSource.query('SELECT name FROM member')).map((r: { name: string }) => r.name);
    expect(names).toHaveLength(60);
    expect(names.some((n) => /[æøåÆØÅ]/.test(n))).toBe(true);
    expect(names.some((n) => /[\u0400-\u04FF]/.test(n))).toBe(true);
    expect(names.some((n) => /[łśęŁ]/.test(n))).toBe(true);
    const [{ n }] = await t.dataSource.query(`SELECT count(DISTINCT member_id)::int AS n FROM consent WHERE kind = 'grant'`);
    expect(n).toBe(result.json!.consenting);
    expect(n).toBeGreaterThan(30);
    const verify = await runCli(['audit:verify'], env);
    expect(verify.json).toMatchObject({ ok: true });
  });

  it('publishes a list, and publishes unchanged content again only with --force', async () => {
    const [{ slug }] = await t.dataSource.query(`SELECT n.slug FROM network n JOIN contact_list l ON l.network_id = n.id ORDER BY n.slug LIMIT 1`);
    const first = await runCli(['publish', '--network', slug], env);
    expect(first.code).toBe(0);
    expect(first.json).toMatchObject({ editionId: expect.any(String), state: 'published' });
    const again = await runCli(['publish', '--network', slug], env);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/^EDITION_UNCHANGED: /);
    const forced = await runCli(['publish', '--network', slug, '--force'], env);
    expect(forced.code).toBe(0);
    expect(forced.json!.editionId).not.toBe(first.json!.editionId);
  });

  it('creates a network from the command line', async () => {
    const result = await runCli(['networks:create', '--slug', 'cli-net', '--name', 'CLI-netværket'], env);
    expect(result.code).toBe(0);
    expect(result.json).toMatchObject({ slug: 'cli-net', networkId: expect.any(String) });
    const bad = await runCli(['networks:create', '--slug', 'Bad Slug', '--name', 'x'], env);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/slug: slug may only hold/);
  });

  it('refuses a short admin password, naming the field, and creates nothing', async () => {
    const result = await runCli(['admin:create', '--email', 'short@example.org'], env, 'short\n');
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/password: password must be at least 12 characters/);
    const rows = await t.dataSource.query(`SELECT id FROM staff_account WHERE email = 'short@example.org'`);
    expect(rows).toEqual([]);
  });

  it('prints the created token as the last JSON line, and the token works', async () => {
    expect((await runCli(['admin:create', '--email', 'Boss@Example.org'], env, 'a sufficiently long password\n')).code).toBe(0);
    const result = await runCli(['tokens:create', '--email', 'boss@example.org', '--name', 'ci'], env);
    expect(result.code).toBe(0);
    const token = String(result.json!.token);
    const [{ n }] = await t.dataSource.query('SELECT count(*)::int AS n FROM api_token WHERE token_hash = encode(sha256($1::bytea), $2)', [token, 'hex']);
    expect(n).toBe(1);
    const [{ m }] = await t.dataSource.query('SELECT count(*)::int AS m FROM api_token WHERE token_hash = $1', [token]);
    expect(m).toBe(0);
  });

  it('explains unknown commands, unknown options and missing options', async () => {
    const unknown = await runCli(['members:delete-all'], env);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/Unknown command "members:delete-all"/);
    expect(unknown.stderr).toMatch(/members:import --network SLUG --file PATH/);
    // A mistake on the command line is exit 2, like other tools, and names the option.
    const option = await runCli(['audit:verify', '--fast'], env);
    expect(option.code).toBe(2);
    expect(option.stderr).toMatch(/Unknown option --fast/);
    expect(option.stderr).toMatch(/Usage: .*audit:verify \[--file EXPORT.jsonl/);
    const noValue = await runCli(['tokens:create', '--email', 'boss@example.org', '--name'], env);
    expect(noValue.code).toBe(2);
    expect(noValue.stderr).toMatch(/--name needs a value/);
    const swallowed = await runCli(['tokens:create', '--email', '--name', 'ci'], env);
    expect(swallowed.code).toBe(2);
    expect(swallowed.stderr).toMatch(/--email needs a value/);
    const flagValue = await runCli(['members:import', '--network', 'x', '--file', 'y', '--dry-run=no'], env);
    expect(flagValue.code).toBe(2);
    expect(flagValue.stderr).toMatch(/--dry-run is a flag/);
    const positional = await runCli(['networks:create', 'cli-net'], env);
    expect(positional.code).toBe(2);
    expect(positional.stderr).toMatch(/Unexpected argument "cli-net"/);
    const missing = await runCli(['tokens:create', '--email', 'boss@example.org'], env);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/--name is required/);
  });

  it('lists the commands with --help, and every command has its own --help', async () => {
    const list = await runCli(['--help'], {});
    expect(list.code).toBe(0);
    const names = [...list.stdout.matchAll(/^ {2}([a-z]+(?::[a-z-]+)?)\b/gm)].map((m) => m[1]);
    const some = ['admin:create', 'tokens:create', 'members:import', 'publish', 'audit:verify', 'report:processing'];
    expect(names).toEqual(expect.arrayContaining(some));
    expect(names).toHaveLength(15);
    for (const name of names) {
      // No configuration at all: help needs none.
      const help = await runCli([name, '--help'], {});
      expect({ name, code: help.code }).toEqual({ name, code: 0 });
      expect(help.stdout).toContain(`Usage: npm run --silent cli -- ${name}`);
      expect(help.stdout).toMatch(/-h, --help/);
    }
    const importHelp = await runCli(['members:import', '-h'], {});
    expect(importHelp.stdout).toMatch(/--dry-run +check every row/);
  });

  it('prints the audit public key the service serves, without touching a database', async () => {
    // Nothing listens on port 1: a command that opened the database would fail.
    const result = await runCli(['audit:public-key'], { ...env, DATABASE_URL: 'postgres://postgres@127.0.0.1:1/listebud_test_nowhere' });
    expect(result.code).toBe(0);
    const served = (await request(t.http).get('/api/v1/audit/public-key').expect(200)).body;
    expect(result.json).toEqual(served);
    expect(result.stdout).toContain(served.publicKeyPem.trimEnd());
  });
});
