// Benchmark: the member portal's decrypted download under load, against Debian nginx serving the same
// `.age` file as a static file, with the same client (Debian wrk: one thread, 16 connections) in the
// same run. (autocannon was tried first: it reads 1 MiB bodies at ~50 MiB/s, so it measured itself.)
// Per listebud download: session lookup, AES-GCM unseal of the member's identity, age decryption of
// the bundle, and one transaction with the audit event and downloaded_at (every download is audited).
// Also the members list API (GET /api/v1/networks/{id}/members, staff token) under the same 16
// connections: its p99 latency against a budget of 200 ms, with nginx serving a static JSON file of
// the same size for comparison.
// Usage: node bench/download.bench.mjs [--seconds S] [--filler N] [--profile DIR] (the service then
// runs with --cpu-prof). Needs nginx and wrk (installed with apt-get when missing and running as root).
// Last line: {"bundleBytes":b,"listebudBytesPerSec":x,"nginxBytesPerSec":y,"ratio":r,"listP99Ms":p,...}
import { execFile, execFileSync, spawn } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { arg, auditSigningKey, cliOk, integerArg, MAIN_PATH, scratchDatabase } from './support.mjs';

const duration = integerArg('seconds', 10, 1, 120);
const filler = integerArg('filler', 1000, 0, 20_000);
const profileDir = arg('profile', undefined);
// For profiling one part alone: --only download, or --only list.
const only = arg('only', undefined);
const skip = (part) => only !== undefined && only !== part;
const CONNECTIONS = 16;
const LIST_BUDGET_MS = 200;
// Well under the 2,000 the importer allows: the PDF layout runs out of memory on a few rows of ~1,900
// characters (reported separately), and the benchmark is about downloads, not that.
const ABOUT_CHARS = 600;

const WORDS = (
  'barn diagnose forælder sjælden weekend træf kontakt erfaring hospital behandling skole familie ' +
  'søskende ferie netværk hverdag medicin kommune støtte samtale aften telefon gerne hjælpe spørgsmål ' +
  'Århus København Odense Aalborg Esbjerg Ærø Bornholm Fyn Jylland Sjælland læge fysioterapi aflastning'
).split(' ');

function aboutMe() {
  const words = [];
  let length = 0;
  while (length < ABOUT_CHARS) {
    const word = WORDS[randomBytes(1)[0] % WORDS.length];
    words.push(word);
    length += word.length + 1;
  }
  return words.join(' ');
}

function freePort() {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolvePort(port));
    });
    server.on('error', reject);
  });
}

async function waitFor(url, child, output) {
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${url} exited with ${child.exitCode}: ${output()}`);
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`${url} did not answer: ${output()}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

function startProcess(command, args, env) {
  const child = spawn(command, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (d) => (output = (output + d).slice(-20_000)));
  child.stderr.on('data', (d) => (output = (output + d).slice(-20_000)));
  const exited = new Promise((r) => child.once('exit', r));
  return {
    child,
    output: () => output,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

function ensureDebianTools() {
  const missing = ['nginx', 'wrk'].filter((tool) => {
    try {
      execFileSync('sh', ['-c', `command -v ${tool}`], { stdio: 'ignore' });
      return false;
    } catch {
      return true;
    }
  });
  if (missing.length === 0) return;
  if (process.getuid?.() !== 0) throw new Error(`missing: ${missing.join(', ')} (apt-get install -y ${missing.join(' ')})`);
  console.log(`installing ${missing.join(', ')} from Debian`);
  execFileSync('apt-get', ['install', '-y', '-q', ...missing], { stdio: ['ignore', 'ignore', 'inherit'], env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
}

/** One nginx worker (listebud is one Node process) serving `root` on `port`, everything under `dir`. */
async function startNginx(dir, root, port) {
  for (const sub of ['logs', 'tmp']) mkdirSync(join(dir, sub), { recursive: true });
  const conf = join(dir, 'nginx.conf');
  writeFileSync(
    conf,
    `${process.getuid?.() === 0 ? `user ${userInfo().username};\n` : ''}worker_processes 1;
pid ${join(dir, 'nginx.pid')};
error_log ${join(dir, 'logs', 'error.log')} warn;
events { worker_connections 1024; }
http {
  access_log off;
  sendfile on;
  tcp_nopush on;
  keepalive_requests 1000000;
  default_type application/octet-stream;
  types { application/json json; }
  client_body_temp_path ${join(dir, 'tmp', 'body')};
  proxy_temp_path ${join(dir, 'tmp', 'proxy')};
  fastcgi_temp_path ${join(dir, 'tmp', 'fastcgi')};
  uwsgi_temp_path ${join(dir, 'tmp', 'uwsgi')};
  scgi_temp_path ${join(dir, 'tmp', 'scgi')};
  server {
    listen 127.0.0.1:${port};
    root ${root};
  }
}
`,
  );
  const nginx = startProcess('nginx', ['-p', dir, '-e', join(dir, 'logs', 'error.log'), '-c', conf, '-g', 'daemon off;'], process.env);
  await waitFor(`http://127.0.0.1:${port}/list.json`, nginx.child, nginx.output);
  return nginx;
}

/** wrk's own summary as one JSON line (its Lua `done` hook), instead of parsing its text report. */
const WRK_REPORT = `done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format('{"requests":%d,"bytes":%d,"micros":%d,"failed":%d,"p99":%d}\\n',
    summary.requests, summary.bytes, summary.duration, e.connect + e.read + e.write + e.timeout + e.status, latency:percentile(99)))
end
`;

/** Asynchronous, so this process keeps reading the service's output while wrk runs. */
async function load(url, headers = {}, seconds = duration) {
  const args = ['-t1', `-c${CONNECTIONS}`, `-d${seconds}s`, '--timeout', '30s', '-s', wrkScript];
  for (const [name, value] of Object.entries(headers)) args.push('-H', `${name}: ${value}`);
  const { stdout: out } = await promisify(execFile)('wrk', [...args, url], { encoding: 'utf8' });
  const report = JSON.parse(out.trim().split('\n').pop());
  if (report.failed > 0 || report.requests === 0) throw new Error(`${url}: ${report.failed} failed of ${report.requests} requests`);
  const secs = report.micros / 1e6;
  return { requestsPerSec: report.requests / secs, bytesPerSec: report.bytes / secs, p99Ms: +(report.p99 / 1000).toFixed(1), requests: report.requests };
}

/** Logs in through the portal's form as a browser would: CSRF cookie and token first. */
async function memberCookie(baseUrl, email, password) {
  const form = await fetch(`${baseUrl}/portal/login`);
  const csrfCookie = form.headers.getSetCookie().map((c) => c.split(';')[0]).find((c) => c.startsWith('lb_csrf='));
  const token = /name="_csrf" value="([^"]+)"/.exec(await form.text())?.[1];
  if (!csrfCookie || !token) throw new Error('the login page gave no CSRF cookie and token');
  const done = await fetch(`${baseUrl}/portal/login`, {
    method: 'POST',
    redirect: 'manual',
    headers: { cookie: csrfCookie, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ _csrf: token, email, password }),
  });
  const member = done.headers.getSetCookie().map((c) => c.split(';')[0]).find((c) => c.startsWith('lb_member='));
  if (done.status !== 303 || !member) throw new Error(`login answered ${done.status}`);
  return member;
}

/** Members with a long "about me", consenting to every field, so the list (and the bundle) is big. */
async function addFiller(url, networkId) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const [{ id: textId }] = (await client.query('SELECT id FROM consent_text WHERE network_id = $1 ORDER BY version DESC LIMIT 1', [networkId])).rows;
    const now = new Date();
    const ids = [], emails = [], about = [];
    for (let i = 0; i < filler; i++) {
      ids.push(randomUUID());
      emails.push(`fyld.${i}.${randomBytes(3).toString('hex')}@example.org`);
      about.push(aboutMe());
    }
    await client.query(
      `INSERT INTO member (id, email, name, phone, address, postal_code, city, about_me, created_at, updated_at)
       SELECT id, email, 'Birgitte Østergård ' || n, '+4520' || lpad(n::text, 6, '0'), 'Vestergade ' || n, '8000', 'Aarhus C', about, $4, $4
         FROM unnest($1::uuid[], $2::text[], $3::text[]) WITH ORDINALITY AS t(id, email, about, n)`,
      [ids, emails, about, now],
    );
    await client.query(`INSERT INTO membership (member_id, network_id, status, joined_at, updated_at) SELECT id, $2, 'active', $3, $3 FROM unnest($1::uuid[]) AS t(id)`, [ids, networkId, now]);
    await client.query(
      `INSERT INTO consent (id, member_id, network_id, kind, fields, consent_text_id, channel, recorded_by_type, recorded_at)
       SELECT gen_random_uuid(), id, $2, 'grant', ARRAY['name','email','phone','address','postal_code','city','about_me'], $3, 'paper', 'system', $4
         FROM unnest($1::uuid[]) AS t(id)`,
      [ids, networkId, textId, now],
    );
  } finally {
    await client.end();
  }
}

ensureDebianTools();
const dir = mkdtempSync(join(tmpdir(), 'lb-bench-download-'));
const db = await scratchDatabase();
const wrkScript = join(dir, 'report.lua');
writeFileSync(wrkScript, WRK_REPORT);
let service;
let nginx;
try {
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const env = {
    PATH: process.env.PATH ?? '',
    DATABASE_URL: db.url,
    SESSION_SECRET: randomBytes(32).toString('hex'),
    AUDIT_SIGNING_KEY: auditSigningKey(),
    DATA_DIR: join(dir, 'data'),
    PORT: String(port),
    BASE_URL: baseUrl,
    LOG_LEVEL: 'warn',
  };
  // Seed 7 makes the one demo member consent, so it gets a portal account.
  const seeded = await cliOk(['demo:seed', '--members', '1', '--networks', '1', '--accounts', '1', '--seed', '7'], env);
  const login = seeded.memberLogins[0];
  if (!login) throw new Error('demo:seed made no portal account');
  const slug = seeded.networks[0];
  const client = new pg.Client({ connectionString: db.url });
  await client.connect();
  const [{ id: networkId }] = (await client.query('SELECT id FROM network WHERE slug = $1', [slug])).rows;
  await client.end();
  await addFiller(db.url, networkId);
  const published = await cliOk(['publish', '--network', slug], env);
  if (published.bundles !== 1) throw new Error(`publish built ${published.bundles} bundles, expected the demo member's one: ${JSON.stringify(published)}`);
  const ageFile = join(dir, 'static', 'bundle.zip.age');
  mkdirSync(join(dir, 'static'), { recursive: true });
  const got = await cliOk(['bundles:get', '--edition', published.editionId, '--member', login.email, '--out', ageFile], env);
  const { token } = await cliOk(['tokens:create', '--email', seeded.coordinator.email, '--name', 'benchmark'], env);

  const nodeArgs = [];
  if (profileDir) {
    mkdirSync(resolve(profileDir), { recursive: true });
    nodeArgs.push('--cpu-prof', `--cpu-prof-dir=${resolve(profileDir)}`);
  }
  service = startProcess(process.execPath, [...nodeArgs, MAIN_PATH], env);
  await waitFor(`${baseUrl}/health`, service.child, service.output);
  const cookie = await memberCookie(baseUrl, login.email, login.password);

  const downloadUrl = `${baseUrl}/portal/beskeder/${got.bundleId}/zip`;
  const zip = await fetch(downloadUrl, { headers: { cookie } });
  const zipBytes = (await zip.arrayBuffer()).byteLength;
  if (zip.status !== 200 || zip.headers.get('content-type') !== 'application/zip') throw new Error(`the download answered ${zip.status}`);
  const listUrl = `${baseUrl}/api/v1/networks/${networkId}/members`;
  const authorization = `Bearer ${token}`;
  const list = await fetch(listUrl, { headers: { authorization } });
  const listBody = Buffer.from(await list.arrayBuffer());
  if (list.status !== 200) throw new Error(`the members list answered ${list.status}`);
  writeFileSync(join(dir, 'static', 'list.json'), listBody);

  const nginxPort = await freePort();
  nginx = await startNginx(join(dir, 'nginx'), join(dir, 'static'), nginxPort);

  console.log(`bundle: ${got.bytes} bytes as .age, ${zipBytes} bytes decrypted; members list page: ${listBody.length} bytes; ${CONNECTIONS} connections, ${duration} s each`);
  // A short warm-up for both, so neither is measured cold (JIT, page cache).
  const warm = (url, headers) => load(url, headers, 1);
  const none = { requestsPerSec: 0, bytesPerSec: 0, p99Ms: 0, requests: 0 };
  let listebud = none, reference = none, listApi = none, listStatic = none;
  if (!skip('download')) {
    await warm(downloadUrl, { cookie });
    await warm(`http://127.0.0.1:${nginxPort}/bundle.zip.age`);
    listebud = await load(downloadUrl, { cookie });
    reference = await load(`http://127.0.0.1:${nginxPort}/bundle.zip.age`);
  }
  if (!skip('list')) {
    await warm(listUrl, { authorization });
    listApi = await load(listUrl, { authorization });
    listStatic = await load(`http://127.0.0.1:${nginxPort}/list.json`);
  }

  const vmHwm = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${service.child.pid}/status`, 'utf8'));
  const client2 = new pg.Client({ connectionString: db.url });
  await client2.connect();
  const [{ n: audited }] = (await client2.query(`SELECT count(*)::int AS n FROM audit_event WHERE action = 'bundle.downloaded'`)).rows;
  await client2.end();

  const mb = (bytes) => (bytes / 2 ** 20).toFixed(1);
  console.log(`listebud decrypted download: ${listebud.requestsPerSec.toFixed(0)} req/s, ${mb(listebud.bytesPerSec)} MiB/s, p99 ${listebud.p99Ms} ms (${audited} downloads audited)`);
  console.log(`nginx static .age:           ${reference.requestsPerSec.toFixed(0)} req/s, ${mb(reference.bytesPerSec)} MiB/s, p99 ${reference.p99Ms} ms`);
  console.log(`members list API: ${listApi.requestsPerSec.toFixed(0)} req/s, p99 ${listApi.p99Ms} ms (budget ${LIST_BUDGET_MS} ms); nginx static JSON of the same size: p99 ${listStatic.p99Ms} ms`);
  const result = {
    bundleBytes: got.bytes,
    zipBytes,
    listebudRequestsPerSec: +listebud.requestsPerSec.toFixed(1),
    listebudBytesPerSec: Math.round(listebud.bytesPerSec),
    nginxRequestsPerSec: +reference.requestsPerSec.toFixed(1),
    nginxBytesPerSec: Math.round(reference.bytesPerSec),
    ratio: +(listebud.bytesPerSec / reference.bytesPerSec).toFixed(3),
    listP99Ms: listApi.p99Ms,
    listRequestsPerSec: +listApi.requestsPerSec.toFixed(1),
    listBytes: listBody.length,
    nginxListP99Ms: listStatic.p99Ms,
    listBudgetMs: LIST_BUDGET_MS,
    servicePeakRssMb: vmHwm ? Math.round(Number(vmHwm[1]) / 1024) : null,
    seconds: duration,
  };
  console.log(JSON.stringify(result));
} finally {
  await nginx?.stop();
  await service?.stop();
  await db.drop();
  rmSync(dir, { recursive: true, force: true });
}
