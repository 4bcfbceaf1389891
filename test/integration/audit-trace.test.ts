import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { readBundleZip } from '../support/bundle-zip.js';
import { PublishEdition } from '../../src/editions/publish-edition.js';
import { MemberDownload } from '../../src/bundles/member-download.js';
import { BundleWorker } from '../../src/distribution/bundle-worker.js';
import { CLI_ACTOR } from '../../src/common/actor.js';
import { ListsService } from '../../src/lists/lists.service.js';
import { RecipientsService } from '../../src/recipients/recipients.service.js';
import { grantConsent, insertConsentText, insertMember, insertNetwork, unique } from '../factories/factories.js';
import { ageDecrypt, ageKeygen } from '../support/age-cli.js';
import { pdfText } from '../support/documents.js';
import { storeZip } from '../fixtures/bad-input/large-inputs.js';
import { runCli } from '../support/run-cli.js';
import { startTestApp, TEST_SESSION_SECRET, type TestApp } from '../support/test-app.js';

let t: TestApp;
let dir: string;
let env: Record<string, string>;
let networkId: string;
let editionId: string;
/** Two recipients, each with their own age key, and the files of their decrypted bundles. */
const people: Record<'ida' | 'ole', { id: string; name: string; email: string; bundleId: string; xlsx: string; pdf: string; pdfBytes: Buffer; xlsxBytes: Buffer }> = {} as never;
/** Ole's whole decrypted bundle, as a ZIP. */
let oleZip: string;

const trace = (file: string) => runCli(['audit:trace', '--file', file], env);

beforeAll(async () => {
  t = await startTestApp();
  dir = await mkdtemp(join(tmpdir(), 'lb-trace-'));
  env = { DATABASE_URL: t.database.url, SESSION_SECRET: TEST_SESSION_SECRET, DATA_DIR: t.dataDir };
  networkId = (await insertNetwork(t.app)).id;
  await insertConsentText(t.app, networkId);
  const keys: Record<string, Awaited<ReturnType<typeof ageKeygen>>> = {};
  for (const [label, name] of [['ida', 'Ida Lækker-Sørensen'], ['ole', 'Ole Ørnsø']] as const) {
    const member = await insertMember(t.app, networkId, { name });
    await grantConsent(t.app, networkId, member.id, ['name', 'email']);
    keys[label] = await ageKeygen(dir, `${label}-${unique()}`);
    await t.app.get(RecipientsService).add(CLI_ACTOR, member.id, keys[label].recipient);
    people[label] = { id: member.id, name, email: member.email!, bundleId: '', xlsx: '', pdf: '', pdfBytes: Buffer.alloc(0), xlsxBytes: Buffer.alloc(0) };
  }
  const list = await t.app.get(ListsService).create(CLI_ACTOR, networkId, { slug: `liste-${unique()}`, title: 'Kontaktliste', columns: ['name', 'email'] });
  editionId = (await t.app.get(PublishEdition).publish(CLI_ACTOR, list.id)).edition.id;
  await t.app.get(BundleWorker).drain();
  for (const label of ['ida', 'ole'] as const) {
    const { bundle, data } = await t.app.get(MemberDownload).encryptedFile(editionId, people[label].id);
    const zip = await ageDecrypt(data, keys[label].identityFile, dir);
    const files = readBundleZip(zip);
    if (label === 'ole') {
      oleZip = join(dir, 'ole-bundle.zip');
      await writeFile(oleZip, zip);
    }
    const p = people[label];
    p.bundleId = bundle.id;
    p.xlsxBytes = files.get('contact-list.xlsx')!;
    p.pdfBytes = files.get('contact-list.pdf')!;
    p.xlsx = join(dir, `${label}.xlsx`);
    p.pdf = join(dir, `${label}.pdf`);
    await writeFile(p.xlsx, p.xlsxBytes);
    await writeFile(p.pdf, p.pdfBytes);
  }
  // Ida fetched hers from the portal once: the trace lists the download.
  await t.app.get(MemberDownload).download(people.ida.id, people.ida.bundleId, 'age');
});
afterAll(async () => {
  await t.close();
  await rm(dir, { recursive: true, force: true });
});

describe('audit:trace', () => {
  it('names the edition, recipient and time of a leaked XLSX, from its document properties', async () => {
    for (const label of ['ida', 'ole'] as const) {
      const result = await trace(people[label].xlsx);
      expect(result.code).toBe(0);
      expect(result.json).toMatchObject({
        bundleId: people[label].bundleId,
        foundIn: 'xlsx:subject',
        editionId,
        recipientMemberId: people[label].id,
        networkId,
      });
      expect(Date.parse(result.json!.builtAt as string)).not.toBeNaN();
    }
  });

  it('names the recipient of a leaked PDF, from its document information, with the downloads', async () => {
    const ida = await trace(people.ida.pdf);
    expect(ida.code).toBe(0);
    expect(ida.json).toMatchObject({ bundleId: people.ida.bundleId, foundIn: 'pdf:info', editionId, recipientMemberId: people.ida.id });
    expect(ida.json!.downloads).toEqual([expect.objectContaining({ file: 'age' })]);
    const ole = await trace(people.ole.pdf);
    expect(ole.json).toMatchObject({ recipientMemberId: people.ole.id, downloads: [] });
  });

  it('reads the manifest of a whole decrypted bundle', async () => {
    const result = await trace(oleZip);
    expect(result.code).toBe(0);
    expect(result.json).toMatchObject({ foundIn: 'zip:manifest', bundleId: people.ole.bundleId, recipientMemberId: people.ole.id, editionId });
  });

  it('reads the print header of a workbook whose document properties were cleared', async () => {
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(people.ole.xlsxBytes as unknown as ArrayBuffer);
    workbook.subject = '';
    workbook.keywords = '';
    const file = join(dir, 'ole-resaved.xlsx');
    await writeFile(file, Buffer.from(await workbook.xlsx.writeBuffer()));
    const result = await trace(file);
    expect(result.code).toBe(0);
    expect(result.json).toMatchObject({ foundIn: 'xlsx:header', bundleId: people.ole.bundleId, recipientMemberId: people.ole.id });
  });

  it('reads the page text of a PDF whose document information was blanked', async () => {
    const raw = people.ida.pdfBytes.toString('latin1');
    const blanked = raw.replace(/\/Subject <[0-9A-F]+>/g, (m) => ' '.repeat(m.length)).replace(/\/Keywords <[0-9A-F]+>/g, (m) => ' '.repeat(m.length));
    expect(blanked.length).toBe(raw.length);
    const file = join(dir, 'ida-blanked.pdf');
    await writeFile(file, Buffer.from(blanked, 'latin1'));
    expect(await pdfText(Buffer.from(blanked, 'latin1'))).toContain(people.ida.bundleId);
    const result = await trace(file);
    expect(result.code).toBe(0);
    expect(result.json).toMatchObject({ foundIn: 'pdf:text', bundleId: people.ida.bundleId, recipientMemberId: people.ida.id });
  });

  it('prints ids and times only, and logs the look-up', async () => {
    const result = await trace(people.ida.xlsx);
    for (const label of ['ida', 'ole'] as const) {
      expect(result.stdout).not.toContain(people[label].name);
      expect(result.stdout).not.toContain(people[label].email);
    }
    const rows = await t.dataSource.query(`SELECT actor_type, detail FROM audit_event WHERE action = 'audit.leak_traced' AND subject_id = $1`, [people.ida.bundleId]);
    expect(rows.length).toBeGreaterThanOrEqual(1);
    expect(rows[0]).toMatchObject({ actor_type: 'cli', detail: { foundIn: 'xlsx:subject' } });
  });

  it('refuses a file without a watermark, saying so', async () => {
    const text = join(dir, 'notes.txt');
    await writeFile(text, 'nothing to see');
    const plain = await trace(text);
    expect(plain.code).toBe(1);
    expect(plain.stderr).toContain('TRACE_UNKNOWN_FILE');

    const workbook = new ExcelJS.Workbook();
    workbook.addWorksheet('Ark1').addRow(['hej']);
    const unmarked = join(dir, 'unmarked.xlsx');
    await writeFile(unmarked, Buffer.from(await workbook.xlsx.writeBuffer()));
    const result = await trace(unmarked);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('TRACE_NO_WATERMARK');
  });

  it('reads an outside file only through the hardened ZIP reader: a bomb is refused before it is inflated', async () => {
    // 200 MB of one byte packs into ~200 KB; the unchecked reader inflated all of it (and exceljs after it).
    const bomb = join(dir, 'bomb.zip');
    await writeFile(bomb, storeZip([['manifest.json', Buffer.alloc(200 * 1024 * 1024, 0x20)]]));
    const result = await trace(bomb);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('TRACE_ZIP_REFUSED');
    expect(result.stderr).toMatch(/file/);
    // A workbook-shaped bomb is refused the same way before exceljs sees it.
    const sheetBomb = join(dir, 'sheet-bomb.xlsx');
    await writeFile(sheetBomb, storeZip([['xl/worksheets/sheet1.xml', Buffer.alloc(200 * 1024 * 1024, '<row/>')]]));
    expect((await trace(sheetBomb)).stderr).toContain('TRACE_ZIP_REFUSED');
  });
});

