// Benchmark: N synthetic member rows (a Danish Excel "CSV UTF-8" file: `;`, Danish headings) through
// `members:import` of the compiled CLI, against PostgreSQL's COPY of the same file into a table like
// `member` (same columns, defaults, checks and indexes: CREATE TABLE ... (LIKE member INCLUDING ALL)),
// in the same run on the same scratch database. COPY stores the rows as they are; the importer also
// reads and checks every row, normalises phones to E.164, and in one transaction writes the member,
// the membership and one chained audit event per row, so the ratio is the price of all that.
// Both sides are timed as whole processes (node for the CLI, psql for COPY).
// Usage: node bench/import.bench.mjs [--rows N] [--profile DIR] (the CLI then runs with --cpu-prof)
// Last line: {"rows":N,"importSeconds":x,"copySeconds":y,"ratio":r}
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import pg from 'pg';
import { arg, auditSigningKey, cliOk, integerArg, median, scratchDatabase, seconds } from './support.mjs';

const rows = integerArg('rows', 100_000, 1, 200_000);
const profileDir = arg('profile', undefined);

const FIRST = ['Anne', 'Søren', 'Åse', 'Mette', 'Jørgen', 'Zofia', 'Jiří', 'Анна', 'Lars', 'Birgitte', 'Mikkel', 'Ida'];
const LAST = ['Hansen', 'Østergård', 'Łukasiewicz', 'Dvořák', 'Иванова', 'Nielsen', 'Æbelø', 'Jensen', 'Andersen', 'Pedersen'];
const STREETS = ['Vestergade', 'Nørregade', 'Søndre Allé', 'Åboulevarden', 'Strandvejen', 'Kongensgade'];
const CITIES = [['1050', 'København K'], ['8000', 'Aarhus C'], ['5000', 'Odense C'], ['9000', 'Aalborg'], ['6700', 'Esbjerg'], ['5970', 'Ærøskøbing']];
const ABOUT = 'Forælder til et barn med en sjælden diagnose; vil gerne tale med andre i samme situation.';

/** As Excel writes a cell that holds the separator or a quote. */
const quote = (cell) => (/[;"\r\n]/.test(cell) ? `"${cell.replaceAll('"', '""')}"` : cell);

/** Every row valid and its e-mail unique, as an import that goes through must be. */
function memberCsv(run) {
  const lines = ['Navn;E-mail;Telefon;Adresse;Postnr.;By;Om mig'];
  for (let i = 0; i < rows; i++) {
    const [postalCode, city] = CITIES[i % CITIES.length];
    const phone = String(20_000_000 + i).replace(/^(\d\d)(\d\d)(\d\d)(\d\d)$/, '$1 $2 $3 $4');
    lines.push(
      [
        `${FIRST[i % FIRST.length]} ${LAST[(i * 7) % LAST.length]}`,
        `medlem.${i}.${run}@example.org`,
        phone,
        `${STREETS[i % STREETS.length]} ${1 + (i % 200)}`,
        postalCode,
        city,
        i % 5 === 0 ? ABOUT : '',
      ]
        .map(quote)
        .join(';'),
    );
  }
  // Excel's "CSV UTF-8": a byte-order mark and CRLF line ends.
  return Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(`${lines.join('\r\n')}\r\n`, 'utf8')]);
}

const dir = mkdtempSync(join(tmpdir(), 'lb-bench-import-'));
const db = await scratchDatabase();
let client;
try {
  const run = randomBytes(3).toString('hex');
  const file = join(dir, 'medlemmer.csv');
  writeFileSync(file, memberCsv(run));
  const env = { DATABASE_URL: db.url, SESSION_SECRET: randomBytes(32).toString('hex'), AUDIT_SIGNING_KEY: auditSigningKey(), DATA_DIR: join(dir, 'data'), LOG_LEVEL: 'warn' };
  // Creating the network also migrates the scratch database, so the timed run below does not.
  await cliOk(['networks:create', '--slug', 'bench', '--name', 'Benchmark'], env);

  client = new pg.Client({ connectionString: db.url });
  client.on('error', () => undefined);
  await client.connect();
  await client.query('CREATE TABLE member_copy (LIKE member INCLUDING ALL)');
  // The importer makes ids and times in the application; COPY gets them from defaults.
  await client.query('ALTER TABLE member_copy ALTER id SET DEFAULT gen_random_uuid(), ALTER created_at SET DEFAULT now(), ALTER updated_at SET DEFAULT now()');
  const copyRuns = [];
  for (let i = 0; i < 3; i++) {
    await client.query('TRUNCATE member_copy');
    await client.query('CHECKPOINT');
    const started = process.hrtime.bigint();
    execFileSync('psql', [
      db.url,
      '-v', 'ON_ERROR_STOP=1', '-q',
      '-c', `\\copy member_copy (name, email, phone, address, postal_code, city, about_me) FROM '${file}' (FORMAT csv, DELIMITER ';', HEADER true, ENCODING 'UTF8')`,
    ]);
    copyRuns.push(seconds(started));
  }
  const [{ n: copied }] = (await client.query('SELECT count(*)::int AS n FROM member_copy')).rows;
  if (copied !== rows) throw new Error(`COPY stored ${copied} of ${rows} rows`);
  await client.query('DROP TABLE member_copy');
  await client.query('CHECKPOINT');

  let nodeArgs = [];
  if (profileDir) {
    mkdirSync(resolve(profileDir), { recursive: true });
    nodeArgs = ['--cpu-prof', `--cpu-prof-dir=${resolve(profileDir)}`];
  }
  const started = process.hrtime.bigint();
  const imported = await cliOk(['members:import', '--network', 'bench', '--file', file], env, nodeArgs);
  const importSeconds = seconds(started);
  if (imported.created !== rows) throw new Error(`members:import created ${imported.created} of ${rows} members`);
  const [{ n: members }] = (await client.query('SELECT count(*)::int AS n FROM member')).rows;
  const [{ n: events }] = (await client.query(`SELECT count(*)::int AS n FROM audit_event WHERE action = 'member.imported'`)).rows;
  if (members !== rows || events !== rows) throw new Error(`after the import: ${members} members and ${events} audit events for ${rows} rows`);

  const copySeconds = median(copyRuns);
  const result = { rows, importSeconds: +importSeconds.toFixed(3), copySeconds: +copySeconds.toFixed(3), ratio: +(importSeconds / copySeconds).toFixed(2), fileBytes: statSync(file).size };
  console.log(`members:import of ${rows} rows (${(result.fileBytes / 2 ** 20).toFixed(1)} MiB): ${result.importSeconds} s (${Math.round(rows / importSeconds)} rows/s)`);
  console.log(`COPY of the same file into member_copy: ${result.copySeconds} s (median of 3); ratio ${result.ratio}`);
  if (profileDir) console.log(`CPU profile of the import in ${resolve(profileDir)}`);
  console.log(JSON.stringify(result));
} finally {
  await client?.end().catch(() => undefined);
  await db.drop();
  rmSync(dir, { recursive: true, force: true });
}
