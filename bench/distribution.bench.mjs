// Benchmark: one edition end to end for a synthetic network of N consenting members, each with
// their own X25519 key, against the Debian `age` CLI encrypting one file of the same total size in
// the same run. Usage: npm run bench:distribution -- --members N
// Needs a PostgreSQL server: BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/postgres);
// it creates and drops a scratch database of its own.
import { execFileSync } from 'node:child_process';
import { generateKeyPairSync, randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, openSync, rmSync, writeSync, closeSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { DataSource } from 'typeorm';
import { createApp } from '../dist/src/app.factory.js';
import { bech32Encode } from '../dist/src/bundles/crypto/bech32.js';
import { CLI_ACTOR } from '../dist/src/common/actor.js';
import { createLogger } from '../dist/src/common/logger.js';
import { loadConfig } from '../dist/src/config/load-config.js';
import { DatabaseTarget } from '../dist/src/database/database-target.js';
import { BundleWorker } from '../dist/src/distribution/bundle-worker.js';
import { EditionQueries } from '../dist/src/editions/edition-queries.js';
import { PublishEdition } from '../dist/src/editions/publish-edition.js';
import { ListsService } from '../dist/src/lists/lists.service.js';
import { NetworksService } from '../dist/src/networks/networks.service.js';

const arg = (name, fallback) => {
  const at = process.argv.indexOf(`--${name}`);
  return at > 0 ? process.argv[at + 1] : fallback;
};
const members = Number(arg('members', '200'));
if (!Number.isInteger(members) || members < 1 || members > 100_000) {
  console.error('--members must be a whole number from 1 to 100000');
  process.exit(2);
}
const adminUrl = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const dbName = `listebud_bench_${randomBytes(4).toString('hex')}`;
const dataDir = mkdtempSync(join(tmpdir(), 'lb-bench-'));

let peakRss = process.memoryUsage().rss;
const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 25);

const FIRST = ['Anne', 'Søren', 'Åse', 'Mette', 'Jørgen', 'Zofia', 'Jiří', 'Анна', 'Lars', 'Birgitte', 'Ølstykke', 'Mikkel'];
const LAST = ['Hansen', 'Østergård', 'Łukasiewicz', 'Dvořák', 'Иванова', 'Nielsen', 'Æbelø', 'Jensen', 'Andersen', 'Pedersen'];
const CITIES = ['København K', 'Aarhus C', 'Odense C', 'Aalborg', 'Esbjerg', 'Ærøskøbing'];

function ageRecipient() {
  const { publicKey } = generateKeyPairSync('x25519');
  return bech32Encode('age', publicKey.export({ format: 'der', type: 'spki' }).subarray(12));
}

async function seed(client, networkId) {
  const now = new Date();
  const textId = randomUUID();
  await client.query(`INSERT INTO consent_text (id, network_id, version, body, created_at) VALUES ($1, $2, 1, 'Benchmark', $3)`, [textId, networkId, now]);
  const ids = [], names = [], emails = [], phones = [], cities = [], about = [], keys = [];
  for (let i = 0; i < members; i++) {
    ids.push(randomUUID());
    names.push(`${FIRST[i % FIRST.length]} ${LAST[(i * 7) % LAST.length]} ${i}`);
    emails.push(`bench.${i}@example.org`);
    phones.push(`+45${20_000_000 + i}`);
    cities.push(CITIES[i % CITIES.length]);
    about.push(i % 5 === 0 ? 'Forælder til et barn med en sjælden diagnose; vil gerne tale med andre i samme situation.' : null);
    keys.push(ageRecipient());
  }
  await client.query(
    `INSERT INTO member (id, email, name, phone, address, postal_code, city, about_me, created_at, updated_at)
     SELECT id, email, name, phone, 'Vestergade 1', '8000', city, about, $7, $7
       FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[]) AS t(id, email, name, phone, city, about)`,
    [ids, emails, names, phones, cities, about, now],
  );
  await client.query(`INSERT INTO membership (member_id, network_id, status, joined_at, updated_at) SELECT id, $2, 'active', $3, $3 FROM unnest($1::uuid[]) AS t(id)`, [ids, networkId, now]);
  await client.query(
    `INSERT INTO consent (id, member_id, network_id, kind, fields, consent_text_id, channel, recorded_by_type, recorded_at)
     SELECT gen_random_uuid(), id, $2, 'grant', ARRAY['name','email','phone','city','about_me'], $3, 'paper', 'system', $4 FROM unnest($1::uuid[]) AS t(id)`,
    [ids, networkId, textId, now],
  );
  await client.query(
    `INSERT INTO member_recipient (id, member_id, kind, recipient, fingerprint, source, created_at)
     SELECT gen_random_uuid(), id, 'x25519', r, 'bench', 'registered', $3 FROM unnest($1::uuid[], $2::text[]) AS t(id, r)`,
    [ids, keys, now],
  );
}

function ageCliSeconds(bytes) {
  const dir = mkdtempSync(join(tmpdir(), 'lb-bench-age-'));
  try {
    const input = join(dir, 'plain');
    const fd = openSync(input, 'w');
    const block = randomBytes(1 << 20);
    for (let left = bytes; left > 0; left -= block.length) writeSync(fd, block, 0, Math.min(left, block.length));
    closeSync(fd);
    const recipient = ageRecipient();
    const runs = [];
    for (let i = 0; i < 3; i++) {
      // Both sides start with nothing waiting to be written back, as the edition did.
      execFileSync('sync');
      const started = process.hrtime.bigint();
      execFileSync('age', ['-r', recipient, '-o', join(dir, 'out.age'), input]);
      runs.push(Number(process.hrtime.bigint() - started) / 1e9);
    }
    if (statSync(join(dir, 'out.age')).size < bytes) throw new Error('age wrote less than its input');
    return runs.sort((a, b) => a - b)[1];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const admin = new pg.Client({ connectionString: adminUrl });
await admin.connect();
await admin.query(`CREATE DATABASE ${dbName}`);
const url = new URL(adminUrl);
url.pathname = `/${dbName}`;
let app;
try {
  const config = loadConfig({ DATABASE_URL: url.toString(), DATA_DIR: dataDir, SESSION_SECRET: randomBytes(32).toString('hex'), AUDIT_SIGNING_KEY: generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), LOG_LEVEL: 'silent' });
  app = await createApp({ config, database: new DatabaseTarget('postgres', { url: url.toString() }), logger: createLogger('silent') });
  await app.init();
  const network = await app.get(NetworksService).create(CLI_ACTOR, { slug: 'bench', name: 'Benchmark' });
  const client = new pg.Client({ connectionString: url.toString() });
  await client.connect();
  await seed(client, network.id);
  await client.end();
  const list = await app.get(ListsService).create(CLI_ACTOR, network.id, { slug: 'kontaktliste', title: 'Kontaktliste – benchmark', columns: ['name', 'email', 'phone', 'city', 'about_me'] });

  execFileSync('sync');
  const started = process.hrtime.bigint();
  const { edition } = await app.get(PublishEdition).publish(CLI_ACTOR, list.id);
  const publishSeconds = Number(process.hrtime.bigint() - started) / 1e9;
  await app.get(BundleWorker).drain([edition.id]);
  console.log(`snapshot and bundle rows: ${publishSeconds.toFixed(2)} s`);
  const wallSeconds = Number(process.hrtime.bigint() - started) / 1e9;
  peakRss = Math.max(peakRss, process.memoryUsage().rss);

  const shown = await app.get(EditionQueries).show(CLI_ACTOR, edition.id);
  const [{ bytes, n }] = await app.get(DataSource).query(
    `SELECT coalesce(sum(size_bytes), 0)::bigint AS bytes, count(*)::int AS n FROM bundle WHERE edition_id = $1 AND state = 'ready'`,
    [edition.id],
  );
  if (shown.state !== 'published' || n !== members) {
    const reasons = [...new Set((await app.get(EditionQueries).bundleStatus(CLI_ACTOR, edition.id)).map((b) => b.lastError).filter(Boolean))];
    throw new Error(`edition ended ${shown.state} with ${n} of ${members} bundles ready: ${JSON.stringify(shown.progress)}; failures: ${reasons.join('; ') || 'none'}`);
  }
  const bundleBytes = Number(bytes);
  const ageSeconds = ageCliSeconds(bundleBytes);
  clearInterval(sampler);
  const result = {
    members,
    bundles: n,
    wallSeconds: +wallSeconds.toFixed(3),
    ageCliSeconds: +ageSeconds.toFixed(3),
    ratio: +(wallSeconds / ageSeconds).toFixed(2),
    peakRssMb: Math.round(Math.max(peakRss, process.resourceUsage().maxRSS * 1024) / 2 ** 20),
    bundleBytes,
  };
  console.log(`edition of ${members} members: ${n} bundles in ${result.wallSeconds} s (${(n / wallSeconds).toFixed(0)} bundles/s)`);
  console.log(`age CLI on one file of ${(bundleBytes / 2 ** 20).toFixed(1)} MiB: ${result.ageCliSeconds} s (median of 3); ratio ${result.ratio}`);
  console.log(`peak RSS ${result.peakRssMb} MB; bundle bytes ${bundleBytes}`);
  console.log(JSON.stringify(result));
} finally {
  clearInterval(sampler);
  await app?.close();
  await admin.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
  await admin.end();
  rmSync(dataDir, { recursive: true, force: true });
}
