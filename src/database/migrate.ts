import { DataSource, MigrationExecutor } from 'typeorm';

/** Any fixed 64-bit number; every instance uses the same one so only one migrates at a time. */
const MIGRATION_LOCK_KEY = 4_801_230_771;

/**
 * Runs pending migrations under a session advisory lock, so several instances starting together
 * migrate once.
 */
export async function runMigrations(dataSource: DataSource): Promise<string[]> {
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  try {
    await runner.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    try {
      const executor = new MigrationExecutor(dataSource, runner);
      executor.transaction = 'each';
      const done = await executor.executePendingMigrations();
      return done.map((m) => m.name);
    } finally {
      await runner.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]);
    }
  } finally {
    await runner.release();
  }
}
