import { describe, expect, it } from '@jest/globals';
import { chmodSync, cpSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { databaseUser, findBinaries, reachableBinaries, runAs } from '../../src/database/postgres-binaries.js';

/**
 * CI runs as root from a fresh clone whose folder may be root-only: the embedded server then runs
 * as `postgres`, which cannot reach node_modules there. The binaries must be copied where it can.
 */
describe('embedded PostgreSQL binaries', () => {
  it('runs the server program as the database user even when the checkout is in a root-only folder', async () => {
    const user = await databaseUser();
    const installed = await findBinaries();
    if (!user) {
      // Not root: the server runs as this user, straight from node_modules.
      expect(reachableBinaries(installed, user)).toEqual(installed);
      return;
    }
    const hidden = mkdtempSync(join(tmpdir(), 'lb-rootonly-'));
    const shared = join(mkdtempSync(join(tmpdir(), 'lb-shared-')), 'binaries');
    try {
      chmodSync(hidden, 0o700);
      cpSync(dirname(dirname(installed.postgres)), join(hidden, 'native'), { recursive: true, verbatimSymlinks: true });
      const hiddenBin = { postgres: join(hidden, 'native/bin/postgres'), initdb: join(hidden, 'native/bin/initdb') };
      chmodSync(dirname(shared), 0o755);
      await expect(runAs(hiddenBin.postgres, ['--version'], user)).rejects.toThrow();

      const usable = reachableBinaries(hiddenBin, user, shared);
      expect(usable.postgres.startsWith(shared)).toBe(true);
      expect(existsSync(join(dirname(dirname(usable.postgres)), 'complete'))).toBe(true);
      expect(await runAs(usable.postgres, ['--version'], user)).toMatch(/PostgreSQL\) 15\./);
      expect(await runAs(usable.initdb, ['--version'], user)).toMatch(/15\./);
      // A second call reuses the finished copy.
      expect(reachableBinaries(hiddenBin, user, shared)).toEqual(usable);
    } finally {
      rmSync(hidden, { recursive: true, force: true });
      rmSync(dirname(shared), { recursive: true, force: true });
    }
  }, 120_000);
});
