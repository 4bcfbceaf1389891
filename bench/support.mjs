// Shared pieces of the benchmarks: arguments, a scratch database, running the compiled CLI, timing.
import { spawn } from 'node:child_process';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import pg from 'pg';

/** A fresh Ed25519 audit signing key (PEM): required with DATABASE_URL, like SESSION_SECRET. */
export const auditSigningKey = () => generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();

export const CLI_PATH = resolve('dist/src/cli.js');
export const MAIN_PATH = resolve('dist/src/main.js');
export const ADMIN_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export function arg(name, fallback) {
  const at = process.argv.indexOf(`--${name}`);
  return at > 0 ? process.argv[at + 1] : fallback;
}


export function integerArg(name, fallback, min, max) {
  const value = Number(arg(name, String(fallback)));
  if (!Number.isInteger(value) || value < min || value > max) {
    console.error(`--${name} must be a whole number from ${min} to ${max}`);
    process.exit(2);
  }
  return value;
}

export const seconds = (startedNs) => Number(process.hrtime.bigint() - startedNs) / 1e9;
export const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

/** Creates `listebud_bench_<random>` on the server at BENCH_DATABASE_URL; `drop()` removes it. */
export async function scratchDatabase() {
  const name = `listebud_bench_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: ADMIN_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  return {
    name,
    url: url.toString(),
    async drop() {
      await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.end();
    },
  };
}

/** Runs the compiled CLI; resolves with its exit code, output and last stdout line as JSON. */
export function runCli(args, env, nodeArgs = []) {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [...nodeArgs, CLI_PATH, ...args], {
      env: { PATH: process.env.PATH ?? '', LOG_LEVEL: 'warn', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => {
      let json;
      try {
        json = JSON.parse(stdout.trim().split('\n').pop() ?? '');
      } catch {
        json = undefined;
      }
      resolvePromise({ code, stdout, stderr, json });
    });
  });
}

export async function cliOk(args, env, nodeArgs) {
  const result = await runCli(args, env, nodeArgs);
  if (result.code !== 0 || !result.json) throw new Error(`cli ${args[0]} failed (${result.code}): ${result.stderr.slice(0, 2000)}`);
  return result.json;
}
