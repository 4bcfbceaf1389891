import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import ExcelJS from 'exceljs';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import request from 'supertest';
import { CLI_ACTOR } from '../../src/common/actor.js';
import { ActivationService } from '../../src/member-accounts/activation.service.js';
import { MemberAuthService } from '../../src/member-accounts/member-auth.service.js';
import { insertMember, insertNetwork, insertStaff, unique } from '../factories/factories.js';
import { runCli } from '../support/run-cli.js';
import { startTestApp, TEST_SESSION_SECRET, type TestApp } from '../support/test-app.js';

const SAMPLES = resolve('test/fixtures/samples');
let t: TestApp;
let env: Record<string, string>;
let work: string;

beforeAll(async () => {
  t = await startTestApp();
  env = { DATABASE_URL: t.database.url, SESSION_SECRET: TEST_SESSION_SECRET, DATA_DIR: t.dataDir };
  work = mkdtempSync(join(tmpdir(), 'lb-import-'));
});
afterAll(async () => {
  rmSync(work, { recursive: true, force: true });
  await t.close();
});

const memberCount = async () => (await t.dataSource.query('SELECT count(*)::int AS n FROM member'))[0].n as number;

function writeFile(name: string, content: string | Buffer): string {
  const path = join(work, `${unique()}-${name}`);
  writeFileSync(path, content);
  return path;
}

const header = 'Fornavn;Efternavn;E-mail;Telefon;Adresse;Postnr.;By;Om mig';
const good = () => `Anne;Holm;anne.${unique()}@example.dk;20 30 40 50;Vestergade 1;5000;Odense C;`;

describe('members:import', () => {
  // The three sample files hold the same five people (the parser's unit tests prove they read the
  // same); the hardest one, Danish Excel's Windows-1252 with semicolons, goes all the way in here.
  it('imports the five sample members from a Danish Excel CSV with normalised e-mails and phones', async () => {
    const network = await insertNetwork(t.app);
    const result = await runCli(['members:import', '--network', network.slug, '--file', join(SAMPLES, 'members-excel-da-windows1252.csv')], env);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.json).toMatchObject({ network: network.slug, dryRun: false, valid: 5, created: 5, format: 'csv' });
    const rows: { name: string; email: string; phone: string | null; status: string }[] = await t.dataSource.query(
      `SELECT m.name, m.email, m.phone, ms.status FROM member m JOIN membership ms ON ms.member_id = m.id
        WHERE ms.network_id = $1`,
      [network.id],
    );
    expect(rows).toHaveLength(5);
    expect(rows.every((r) => r.email === r.email.toLowerCase() && r.status === 'active')).toBe(true);
    expect(rows.find((r) => r.email === 'birthe.odegaard@example.dk')).toMatchObject({ name: 'Birthe Ødegaard', phone: '+4520123456' });
    expect(rows.find((r) => r.email === 'jens.molgaard@example.dk')).toMatchObject({ name: 'Jens-Åge Mølgaard', phone: '+4531223344' });
    expect(rows.find((r) => r.email === 'zoe.bronnum@example.dk')?.phone).toBe('+4540404040');
    const [{ n }] = await t.dataSource.query(`SELECT count(*)::int AS n FROM audit_event WHERE action = 'member.imported' AND network_id = $1`, [network.id]);
    expect(n).toBe(5);
  });

  it('reports without writing anything on --dry-run', async () => {
    const network = await insertNetwork(t.app);
    const before = await memberCount();
    const path = writeFile('dry.csv', `${header}\n${good()}\n${good()}\n`);
    const result = await runCli(['members:import', '--network', network.slug, '--file', path, '--dry-run'], env);
    expect(result.code).toBe(0);
    expect(result.json).toMatchObject({ dryRun: true, valid: 2, created: 0 });
    expect(await memberCount()).toBe(before);
  });

  const BAD_CASES: [string, () => string | Buffer, { row?: number; field?: string; code: string }][] = [
    ['a CPR number in "about me"', () => `${header}\n${good()}\nPer;Lund;per.${unique()}@example.dk;;;;;CPR 010190-1234`, { row: 3, field: 'about_me', code: 'CPR_NUMBER' }],
    ['a CPR number without a dash in the address', () => `${header}\nPer;Lund;per.${unique()}@example.dk;;Vej 0101901234;;;`, { row: 2, field: 'address', code: 'CPR_NUMBER' }],
    ['an invalid e-mail', () => `${header}\n${good()}\nPer;Lund;per.example.dk;;;;;`, { row: 3, field: 'email', code: 'INVALID_EMAIL' }],
    ['a missing e-mail', () => `${header}\nPer;Lund;;;;;;`, { row: 2, field: 'email', code: 'REQUIRED' }],
    ['an invalid phone number', () => `${header}\nPer;Lund;per.${unique()}@example.dk;12;;;;`, { row: 2, field: 'phone', code: 'INVALID_PHONE' }],
    ['the same e-mail twice in the file', () => {
      const email = `twice.${unique()}@example.dk`;
      return `${header}\nA;B;${email};;;;;\nC;D;${email.toUpperCase()};;;;;`;
    }, { row: 3, field: 'email', code: 'DUPLICATE_EMAIL' }],
    ['a formula-looking value', () => `${header}\n=HYPERLINK("http://x");Lund;f.${unique()}@example.dk;;;;;`, { row: 2, field: 'name', code: 'FORMULA' }],
    ['a control character', () => `${header}\nPer\u0007;Lund;c.${unique()}@example.dk;;;;;`, { row: 2, field: 'name', code: 'CONTROL_CHARACTER' }],
    ['a 10,000-character name', () => `${header}\n${'x'.repeat(10_000)};Lund;l.${unique()}@example.dk;;;;;`, { row: 2, field: 'name', code: 'TOO_LONG' }],
    ['an unknown column', () => `Navn;E-mail;CPR-nummer\nPer Lund;u.${unique()}@example.dk;x`, { row: 1, code: 'UNKNOWN_COLUMN' }],
    ['no e-mail column', () => `Navn;Telefon\nPer Lund;20304050`, { code: 'MISSING_COLUMN' }],
    ['bytes that are no text encoding', () => Buffer.concat([Buffer.from(`${header}\nPer;Lund;`), Buffer.from([0x00, 0x81, 0x8d, 0x8f]), Buffer.from('@x.dk;;;;;\n')]), { code: 'ENCODING' }],
  ];

  it.each(BAD_CASES)('refuses a file with %s, naming row and field, and imports none of its rows', async (_name, content, expected) => {
    const network = await insertNetwork(t.app);
    const before = await memberCount();
    const path = writeFile('bad.csv', content());
    const result = await runCli(['members:import', '--network', network.slug, '--file', path], env);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(expected.code);
    if (expected.row !== undefined) expect(result.stderr).toMatch(new RegExp(`row ${expected.row}\\b`));
    if (expected.field) expect(result.stderr).toContain(`${expected.field}:`);
    expect(await memberCount()).toBe(before);
  });

  it('refuses e-mails that already belong to a member, and imports nothing else from the file', async () => {
    const network = await insertNetwork(t.app);
    const existing = await insertMember(t.app, network.id);
    const before = await memberCount();
    const path = writeFile('dup.csv', `${header}\n${good()}\nPer;Lund;${existing.email.toUpperCase()};;;;;\n`);
    const result = await runCli(['members:import', '--network', network.slug, '--file', path], env);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/row 3, email: a member with this e-mail address already exists \(DUPLICATE_EMAIL\)/);
    expect(result.stderr).not.toContain(existing.email);
    expect(await memberCount()).toBe(before);
  });

  it('names a missing file and an unknown network clearly', async () => {
    const network = await insertNetwork(t.app);
    const missing = await runCli(['members:import', '--network', network.slug, '--file', join(work, 'nope.csv')], env);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/file: file does not exist/);
    const unknown = await runCli(['members:import', '--network', 'no-such-network', '--file', join(SAMPLES, 'members-plain-utf8.csv')], env);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/NETWORK_NOT_FOUND/);
  });
});

describe('import through the API', () => {
  it('imports an XLSX workbook sent as the request body', async () => {
    const network = await insertNetwork(t.app);
    const coordinator = await insertStaff(t.app, 'coordinator', [network.id]);
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet('Medlemmer');
    sheet.addRow(['Navn', 'E-mail', 'Telefon', 'By']);
    sheet.addRow(['Łukasz Wiśniewski', `lukasz.${unique()}@example.pl`, '+48 601 234 567', 'København']);
    sheet.addRow(['Анна Иванова', `anna.${unique()}@example.org`, '31 22 33 44', 'Aarhus C']);
    const body = Buffer.from(await workbook.xlsx.writeBuffer());
    const res = await request(t.http)
      .post(`/api/v1/networks/${network.id}/members/import`)
      .set('Authorization', `Bearer ${coordinator.token}`)
      .set('Content-Type', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
      .send(body)
      .expect(201);
    expect(res.body).toMatchObject({ dryRun: false, valid: 2, created: 2, format: 'xlsx' });
  });

  it('answers a bad file with 400 listing every bad row, and writes nothing', async () => {
    const network = await insertNetwork(t.app);
    const coordinator = await insertStaff(t.app, 'coordinator', [network.id]);
    const before = await memberCount();
    const res = await request(t.http)
      .post(`/api/v1/networks/${network.id}/members/import`)
      .set('Authorization', `Bearer ${coordinator.token}`)
      .set('Content-Type', 'text/csv')
      .send(`${header}\n${good()}\nPer;Lund;bad-email;;;;;\nOle;Lund;ole.${unique()}@example.dk;;;;;250388-1234\n`)
      .expect(400);
    expect(res.body.code).toBe('VALIDATION_FAILED');
    expect(res.body.errors.map((e: { row: number; field: string }) => [e.row, e.field])).toEqual([
      [3, 'email'],
      [4, 'about_me'],
    ]);
    expect(await memberCount()).toBe(before);
  });
});

describe('an address that belongs to a member of a network the caller cannot see', () => {
  it('gets the same answer as a fresh address from the API and the import dry run, and stays linkable by an admin', async () => {
    const networkA = await insertNetwork(t.app);
    const networkB = await insertNetwork(t.app);
    const coordinatorA = await insertStaff(t.app, 'coordinator', [networkA.id]);
    const memberB = await insertMember(t.app, networkB.id);
    const fresh = `fresh.${unique()}@example.dk`;
    const as = (r: request.Test) => r.set('Authorization', `Bearer ${coordinatorA.token}`);
    const dryRun = (email: string) =>
      as(request(t.http).post(`/api/v1/networks/${networkA.id}/members/import?dryRun=true`)).set('Content-Type', 'text/csv').send(`${header}\nPer;Lund;${email};;;;;\n`);

    const [freshDry, takenDry] = [await dryRun(fresh), await dryRun(memberB.email.toUpperCase())];
    expect({ status: takenDry.status, body: takenDry.body }).toEqual({ status: freshDry.status, body: freshDry.body });
    expect(takenDry.status).toBe(201);

    const create = (email: string) => as(request(t.http).post(`/api/v1/networks/${networkA.id}/members`)).send({ name: 'Per Lund', email });
    const [created, linked] = [await create(fresh), await create(memberB.email)];
    const shape = (r: request.Response) => ({
      status: r.status,
      body: { ...r.body, id: 'x', email: 'x', memberships: r.body.memberships.map((m: object) => ({ ...m, joinedAt: 'x' })) },
    });
    expect(shape(linked)).toEqual(shape(created));
    expect(linked.status).toBe(201);
    expect(linked.body).toMatchObject({ email: memberB.email, name: 'Per Lund', memberships: [{ networkId: networkA.id, status: 'active' }] });
    // Within network A the address is now taken, as for any member the coordinator can see.
    expect((await create(memberB.email)).body).toMatchObject({ code: 'MEMBER_EMAIL_TAKEN' });
    expect((await dryRun(memberB.email)).body.errors).toEqual([expect.objectContaining({ row: 2, field: 'email', code: 'DUPLICATE_EMAIL' })]);

    // The person in network B is untouched; the new record remembers them for an administrator.
    const rows = await t.dataSource.query(`SELECT id, name, same_address_as FROM member WHERE email = $1 ORDER BY created_at`, [memberB.email]);
    expect(rows).toEqual([
      { id: memberB.id, name: memberB.name, same_address_as: null },
      { id: linked.body.id, name: 'Per Lund', same_address_as: memberB.id },
    ]);
    const [event] = await t.dataSource.query(`SELECT network_id, detail FROM audit_event WHERE action = 'member.same_address_pending_link' AND subject_id = $1`, [linked.body.id]);
    expect(event).toEqual({ network_id: null, detail: { existingMemberId: memberB.id } });
    const [created_] = await t.dataSource.query(`SELECT detail FROM audit_event WHERE action = 'member.created' AND subject_id = $1`, [linked.body.id]);
    expect(JSON.stringify(created_.detail)).not.toContain(memberB.id);

    // The portal login by e-mail opens the account of the member who had the address, even when the
    // record kept apart was activated too (its invitation goes to the same mailbox).
    const activation = t.app.get(ActivationService);
    await activation.activateForDemo(CLI_ACTOR, linked.body.id, 'the record kept apart for now');
    await activation.activateForDemo(CLI_ACTOR, memberB.id, 'the member who had the address');
    const login = await t.app.get(MemberAuthService).login(memberB.email, 'the member who had the address', '127.0.0.1');
    expect(login.session.memberId).toBe(memberB.id);

    // A real import of such an address is answered as for a fresh one too.
    const other = await insertMember(t.app, networkB.id);
    const imported = await as(request(t.http).post(`/api/v1/networks/${networkA.id}/members/import`)).set('Content-Type', 'text/csv').send(`${header}\nOle;Lund;${other.email};;;;;\n`);
    expect(imported.status).toBe(201);
    expect(imported.body).toMatchObject({ created: 1 });
  });
});
