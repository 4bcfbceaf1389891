// Jest loads global setup outside its ESM transform, so this file uses the compiled build
// (`npm test` builds first). It migrates a template database once; every test file clones it.
import pg from 'pg';
import { DataSource } from 'typeorm';
import { migrations } from '../../dist/migrations/index.js';
import { runMigrations } from '../../dist/src/database/migrate.js';

const SERVER_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const TEMPLATE = 'listebud_test_template';

export async function admin(fn) {
  const client = new pg.Client({ connectionString: SERVER_URL });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

export default async function globalSetup() {
  await admin(async (c) => {
    await c.query(`DROP DATABASE IF EXISTS ${TEMPLATE} WITH (FORCE)`);
    await c.query(`CREATE DATABASE ${TEMPLATE}`);
  });
  const url = new URL(SERVER_URL);
  url.pathname = `/${TEMPLATE}`;
  const dataSource = new DataSource({ type: 'postgres', url: url.toString(), migrations });
  await dataSource.initialize();
  try {
    await runMigrations(dataSource);
  } finally {
    await dataSource.destroy();
  }
}
