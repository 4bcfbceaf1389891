// The embedded project's global setup: ONE embedded PostgreSQL (the service's own start-up code,
// from the build) for the whole run, with this run's migrated template; each test file clones it.
// Workers find it through LISTEBUD_EMBEDDED_TEST_URL (a socket URL), set before they start.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EmbeddedPostgres } from '../../dist/src/database/embedded-postgres.js';
import { migrateTemplate } from './global-setup.js';

export default async function embeddedGlobalSetup() {
  const dataDir = mkdtempSync(join(tmpdir(), 'lb-test-embedded-'));
  const embedded = await EmbeddedPostgres.start(dataDir);
  globalThis.listebudEmbeddedTestDatabase = { embedded, dataDir };
  const { socketDir, port } = embedded.endpoint;
  process.env.LISTEBUD_EMBEDDED_TEST_URL = `postgres://postgres@${encodeURIComponent(socketDir)}:${port}/postgres`;
  await migrateTemplate(process.env.LISTEBUD_EMBEDDED_TEST_URL);
}
