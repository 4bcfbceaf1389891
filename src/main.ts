import 'reflect-metadata';
import { createApp } from './app.factory.js';
import { createLogger } from './common/logger.js';
import { ConfigError, loadConfig, resolveInstallationSecrets } from './config/load-config.js';
import { DataDirError } from './database/data-dir.js';
import { openDatabase, type DatabaseTarget } from './database/database-target.js';

/** Set once the database is open, so a failed start-up still stops the embedded server it started. */
let database: DatabaseTarget | undefined;

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger(config.logLevel);
  // DATA_DIR is checked (and the embedded server started) before the generated secrets are written into it.
  database = await openDatabase(config);
  for (const notice of database.notices) logger.warn({ database: database.mode }, notice);
  resolveInstallationSecrets(config);
  const app = await createApp({ config, database, logger, jobs: true });
  await app.listen(config.port, config.host);
  logger.info({ host: config.host, port: config.port, database: database.mode, baseUrl: config.baseUrl }, 'listebud is listening');

  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    logger.info({ signal }, 'shutting down');
    await app.close();
    await database?.close();
    process.exit(0);
  };
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  process.once('SIGINT', () => void shutdown('SIGINT'));
  void database.lost.then(() => {
    if (closing) return;
    logger.fatal({ database: database?.mode }, 'the embedded database server stopped; see postgres.log in DATA_DIR');
    process.exit(1);
  });
}

main().catch(async (error: unknown) => {
  if (error instanceof ConfigError || error instanceof DataDirError) {
    process.stderr.write(`${error.message}\n`);
  } else {
    process.stderr.write(`listebud failed to start: ${(error as Error)?.message ?? String(error)}\n`);
  }
  await database?.close().catch(() => undefined);
  process.exit(1);
});
