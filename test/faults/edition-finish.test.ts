import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { BundleWorker } from '../../src/distribution/bundle-worker.js';
import { FinishEdition } from '../../src/editions/finish-edition.js';
import { PublishEdition } from '../../src/editions/publish-edition.js';
import { CLI_ACTOR } from '../../src/common/actor.js';
import { bundleCounts, editionState, expectWholeEdition, seedWorld, serviceEnv, startService, until, type FaultWorld } from './support/fault-world.js';

const MEMBERS = 6;
let world: FaultWorld;

beforeAll(async () => {
  world = await seedWorld(MEMBERS);
}, 120_000);

afterAll(async () => {
  await world?.close();
});

describe('a worker that dies after the last bundle is stored, before the edition is marked published', () => {
  it('leaves an edition the next instance publishes, although no bundle is left to claim', async () => {
    const { edition } = await world.t.app.get(PublishEdition).publish(CLI_ACTOR, world.listId);
    // The last batch commits; then the process loses the database (or dies) where it would publish
    // the edition. A SIGKILL cannot be aimed at this instruction, so the failure is injected here.
    const finish = jest.spyOn(world.t.app.get(FinishEdition), 'finishIfComplete').mockRejectedValue(Object.assign(new Error('Connection terminated unexpectedly'), { code: 'ECONNRESET' }));
    await expect(world.t.app.get(BundleWorker).drain([edition.id])).rejects.toThrow('Connection terminated');
    finish.mockRestore();
    expect(await bundleCounts(world, edition.id)).toEqual({ ready: MEMBERS });
    expect(await editionState(world, edition.id)).toBe('building');

    const service = await startService(serviceEnv(world));
    try {
      await until('the stalled edition to be published', 30_000, async () => ((await editionState(world, edition.id)) === 'published' ? true : undefined), 250);
    } finally {
      await service.stop();
    }
    const [published] = await world.t.dataSource.query(`SELECT count(*)::int AS n FROM audit_event WHERE action = 'edition.published' AND subject_id = $1`, [edition.id]);
    expect(published.n).toBe(1);
    expect((await expectWholeEdition(world, edition.id, MEMBERS)).problems).toEqual([]);
  });
});
