import 'reflect-metadata';
import { createApp } from './app.factory.js';
import { createLogger } from './common/logger.js';
import { ConfigError, loadConfig, resolveInstallationSecrets } from './config/load-config.js';
import { openDatabase } from './database/database-target.js';

async function main(): Promise<void> {
  const config = loadConfig();
  resolveInstallationSecrets(config);
  const logger = createLogger(config.logLevel);
  const database = await openDatabase(config);
  const app = await createApp({ config, database, logger, jobs: true });
  await app.listen(config.port, config.host);
  logger.info({ host: config.host, port: config.port, database: database.mode, baseUrl: config.baseUrl }, 'listebud is listening');

  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    logger.info({ signal }, 'shutting down');
    await app.close();
    await database.close();
    process.exit(0);
  };
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  process.once('SIGINT', () => void shutdown('SIGINT'));
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError) {
    process.stderr.write(`${error.message}\n`);
  } else {
    process.stderr.write(`listebud failed to start: ${(error as Error)?.message ?? String(error)}\n`);
  }
  process.exit(1);
});
