import type { INestApplication } from '@nestjs/common';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { createApp } from '../../src/app.factory.js';
import { createLogger } from '../../src/common/logger.js';
import { loadConfig } from '../../src/config/load-config.js';
import { DatabaseTarget } from '../../src/database/database-target.js';
import { createTestDatabase, type TestDatabase } from './test-database.js';
import { testSecretEnv } from './test-secrets.js';

export const TEST_SESSION_SECRET = 'test-session-secret-that-is-long-enough-0123456789';

export interface TestApp {
  app: INestApplication;
  /** For supertest: `request(t.http)`. */
  http: import('node:http').Server;
  dataSource: DataSource;
  database: TestDatabase;
  dataDir: string;
  /** Listens on a free loopback port and answers the base URL (for fetch and the browser). */
  listen(): Promise<string>;
  close(): Promise<void>;
}

/** The whole app on its own database cloned from the migrated template. */
export async function startTestApp(env: Record<string, string> = {}): Promise<TestApp> {
  // A DATABASE_URL given by the test means "a second instance on the same database": reuse it, never drop it.
  const database: TestDatabase = env.DATABASE_URL ? { name: new URL(env.DATABASE_URL).pathname.slice(1), url: env.DATABASE_URL, drop: async () => undefined } : await createTestDatabase();
  const dataDir = mkdtempSync(join(tmpdir(), 'lb-test-'));
  const config = loadConfig({
    DATABASE_URL: database.url,
    SESSION_SECRET: TEST_SESSION_SECRET,
    // What start-up requires with a real database (resolveInstallationSecrets): shared with the file's CLI runs.
    ...testSecretEnv(),
    LOG_LEVEL: 'silent',
    DATA_DIR: dataDir,
    ...env,
  });
  const app = await createApp({ config, database: new DatabaseTarget('postgres', { url: database.url }), logger: createLogger(config.logLevel) });
  await app.init();
  return {
    app,
    http: app.getHttpServer(),
    dataSource: app.get(DataSource),
    database,
    dataDir,
    async listen() {
      await app.listen(0, '127.0.0.1');
      const address = app.getHttpServer().address() as import('node:net').AddressInfo;
      return `http://127.0.0.1:${address.port}`;
    },
    async close() {
      await app.close();
      await database.drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
