// Start-up of the built service and command line against Node itself, in the same run:
//   server: `node dist/src/main.js` until GET /health answers 200 (schema already migrated, as on
//           every start but the first);
//   cli:    `node dist/src/cli.js audit:public-key` until it exits;
//   reference: `node -e 0`.
// Medians of --runs runs, after one unmeasured start that migrates the scratch database and makes
// the audit key. Usage: node bench/startup.bench.mjs [--runs N]; the last line is JSON.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLI_PATH, MAIN_PATH, cliOk, integerArg, median, scratchDatabase, seconds } from './support.mjs';

const runs = integerArg('runs', 5, 1, 50);

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

function timeProcess(args, env) {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn(process.execPath, args, { env, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code === 0) resolve(seconds(started));
      else reject(new Error(`${args.join(' ')}: exit ${code}: ${stderr.slice(0, 2000)}`));
    });
  });
}

/** Starts the service, times it until /health answers, then stops it and waits for it to exit. */
async function timeServer(env, port) {
  const started = process.hrtime.bigint();
  const child = spawn(process.execPath, [MAIN_PATH], { env: { ...env, PORT: String(port) }, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  const exited = new Promise((resolve) => child.on('close', resolve));
  let elapsed;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the service exited with ${child.exitCode}: ${stderr.slice(0, 2000)}`);
    const ok = await fetch(`http://127.0.0.1:${port}/health`).then((r) => r.ok, () => false);
    if (ok) {
      elapsed = seconds(started);
      break;
    }
    if (seconds(started) > 120) throw new Error('the service did not answer /health within 120 s');
    await new Promise((r) => setTimeout(r, 10));
  }
  child.kill('SIGTERM');
  await exited;
  return elapsed;
}

const database = await scratchDatabase();
const dataDir = mkdtempSync(join(tmpdir(), 'listebud-bench-startup-'));
try {
  const env = {
    PATH: process.env.PATH ?? '',
    DATABASE_URL: database.url,
    SESSION_SECRET: 'bench-session-secret-that-is-long-enough-0123456789',
    DATA_DIR: dataDir,
    LOG_LEVEL: 'warn',
  };
  const port = await freePort();
  // Unmeasured: migrates the scratch database, makes the audit key and warms the file cache.
  await timeServer(env, port);
  await cliOk(['audit:public-key'], env);

  const node = [];
  const server = [];
  const cli = [];
  // Interleaved, so a burst of load on the shared machine hits every figure alike.
  for (let i = 0; i < runs; i++) {
    node.push(await timeProcess(['-e', '0'], env));
    server.push(await timeServer(env, port));
    cli.push(await timeProcess([CLI_PATH, 'audit:public-key'], env));
  }
  const result = { runs, nodeSeconds: median(node), serverSeconds: median(server), cliSeconds: median(cli) };
  const s = (x) => `${x.toFixed(3)} s`;
  console.log(`node -e 0 ${s(result.nodeSeconds)}, server until /health ${s(result.serverSeconds)}, ` +
    `cli audit:public-key ${s(result.cliSeconds)} (medians of ${runs})`);
  console.log(JSON.stringify(result));
} finally {
  rmSync(dataDir, { recursive: true, force: true });
  await database.drop();
}
