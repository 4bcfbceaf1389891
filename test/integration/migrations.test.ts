import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DataSource } from 'typeorm';
import { migrations } from '../../migrations/index.js';
import { runMigrations } from '../../src/database/migrate.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';

let db: TestDatabase;
let dataSource: DataSource;

beforeAll(async () => {
  db = await createTestDatabase();
  dataSource = await new DataSource({ type: 'postgres', url: db.url, migrations }).initialize();
});
afterAll(async () => {
  await dataSource.destroy();
  await db.drop();
});

const tables = async () =>
  (await dataSource.query(`SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename <> 'migrations' ORDER BY 1`)).map(
    (r: { tablename: string }) => r.tablename,
  );

describe('migrations', () => {
  it('undo every migration with its down step, back to an empty schema', async () => {
    expect(await tables()).toContain('audit_event');
    for (let i = 0; i < migrations.length; i++) await dataSource.undoLastMigration({ transaction: 'each' });
    expect(await tables()).toEqual([]);
  });

  it('apply again from scratch, and a second run has nothing to do', async () => {
    const applied = await runMigrations(dataSource);
    expect(applied).toHaveLength(migrations.length);
    expect(await tables()).toEqual(expect.arrayContaining(['audit_event', 'consent', 'member', 'membership', 'network', 'staff_account']));
    expect(await runMigrations(dataSource)).toEqual([]);
  });

  it('let two runners start together and migrate once', async () => {
    for (let i = 0; i < migrations.length; i++) await dataSource.undoLastMigration({ transaction: 'each' });
    const other = await new DataSource({ type: 'postgres', url: db.url, migrations }).initialize();
    try {
      const [a, b] = await Promise.all([runMigrations(dataSource), runMigrations(other)]);
      expect(a.length + b.length).toBe(migrations.length);
    } finally {
      await other.destroy();
    }
  });
});
