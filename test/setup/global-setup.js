// Jest loads global setup outside its ESM transform, so this file uses the compiled build
// (`npm test` builds first). It migrates a template database once; every test file clones it.
import pg from 'pg';
import { DataSource } from 'typeorm';
import { migrations } from '../../dist/migrations/index.js';
import { runMigrations } from '../../dist/src/database/migrate.js';

import { randomBytes } from 'node:crypto';

const SERVER_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/**
 * Each run has its own id, so two runs on one server (two terminals, two checkouts) never drop
 * each other's databases. Workers inherit it through the environment.
 */
export function runId() {
  process.env.LISTEBUD_TEST_RUN ??= randomBytes(4).toString('hex');
  return process.env.LISTEBUD_TEST_RUN;
}

export const templateName = () => `listebud_test_${runId()}_template`;

export async function admin(fn, serverUrl = SERVER_URL) {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

export default async function globalSetup() {
  await migrateTemplate(SERVER_URL);
}

/** Creates this run's template database on a server and migrates it; every test file clones it. */
export async function migrateTemplate(serverUrl) {
  const template = templateName();
  await admin(async (c) => {
    await c.query(`DROP DATABASE IF EXISTS ${template} WITH (FORCE)`);
    await c.query(`CREATE DATABASE ${template}`);
  }, serverUrl);
  const url = new URL(serverUrl);
  url.pathname = `/${template}`;
  const dataSource = new DataSource({ type: 'postgres', url: url.toString(), migrations });
  await dataSource.initialize();
  try {
    await runMigrations(dataSource);
  } finally {
    await dataSource.destroy();
  }
}
