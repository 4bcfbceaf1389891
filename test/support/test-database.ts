import { randomBytes } from 'node:crypto';
import pg from 'pg';

/** Set by the jest project "embedded" (jest.config.js): its files clone from the run's embedded PostgreSQL. */
const EMBEDDED = (globalThis as { LISTEBUD_TEST_DATABASE?: string }).LISTEBUD_TEST_DATABASE === 'embedded';

/** The server the suite uses; override with TEST_DATABASE_URL. Its admin database is only used to create copies. */
export const TEST_SERVER_URL = EMBEDDED
  ? embeddedServerUrl()
  : (process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres');

function embeddedServerUrl(): string {
  const url = process.env.LISTEBUD_EMBEDDED_TEST_URL;
  if (!url) throw new Error('The embedded test project needs LISTEBUD_EMBEDDED_TEST_URL from test/setup/embedded-global-setup.js');
  return url;
}
/** This run's id (set by the global setup) names the template and every copy of it. */
const RUN = process.env.LISTEBUD_TEST_RUN ?? 'local';
export const TEMPLATE_DATABASE = `listebud_test_${RUN}_template`;

export function assertTestDatabaseName(name: string): void {
  if (!/test/i.test(name)) {
    throw new Error(`Refusing to use database "${name}": a test database's name must contain "test"`);
  }
}

export function urlForDatabase(name: string): string {
  assertTestDatabaseName(name);
  const url = new URL(TEST_SERVER_URL);
  url.pathname = `/${name}`;
  return url.toString();
}

export async function withAdminClient<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: TEST_SERVER_URL });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

export interface TestDatabase {
  name: string;
  url: string;
  drop(): Promise<void>;
}

/** A fresh database cloned from the migrated template: one per test file, so files run in parallel. */
export async function createTestDatabase(): Promise<TestDatabase> {
  const name = `listebud_test_${RUN}_${randomBytes(6).toString('hex')}`;
  assertTestDatabaseName(name);
  await withAdminClient((c) => c.query(`CREATE DATABASE ${name} TEMPLATE ${TEMPLATE_DATABASE}`));
  return {
    name,
    url: urlForDatabase(name),
    drop: () => withAdminClient((c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)).then(() => undefined),
  };
}
