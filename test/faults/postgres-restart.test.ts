import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { cutConnections, restartPostgres } from './support/postgres-cluster.js';
import {
  auditVerify,
  expectWholeEdition,
  logLines,
  openWithAgeCli,
  publishThroughApi,
  seedWorld,
  serviceEnv,
  sleep,
  startService,
  until,
  type FaultWorld,
  type ServiceProcess,
} from './support/fault-world.js';

/**
 * PostgreSQL restarted (pg_ctlcluster restart: every connection cut, the server away for a moment)
 * while one service process builds a 1,000-member edition. Whatever happens, an edition shown as
 * published must have every bundle that is not waiting for a key ready; and the run must finish.
 */
const MEMBERS = 1_000;

let world: FaultWorld;
let service: ServiceProcess | undefined;

beforeAll(async () => {
  world = await seedWorld(MEMBERS);
}, 300_000);

afterAll(async () => {
  await service?.stop();
  await world?.close();
});

/** Reads the edition's state and its bundles' states in one statement (one snapshot). */
async function sample(editionId: string): Promise<{ state: string; counts: Record<string, number> } | undefined> {
  try {
    const [row] = await world.t.dataSource.query(
      `SELECT e.state, (SELECT jsonb_object_agg(s.state, s.n) FROM (SELECT state, count(*)::int AS n FROM bundle WHERE edition_id = e.id GROUP BY state) s) AS counts
         FROM edition e WHERE e.id = $1`,
      [editionId],
    );
    return { state: row.state, counts: row.counts ?? {} };
  } catch {
    return undefined; // the server is away; the test's own pool reconnects like the service's
  }
}

/** What the service is doing when it does not finish: its health, its connections, its warnings. */
async function diagnose(editionId: string): Promise<string> {
  const health = await fetch(`${service!.baseUrl}/health`, { signal: AbortSignal.timeout(5_000) }).then(
    async (r) => `${r.status} ${await r.text()}`,
    (e: Error) => `no answer (${e.name})`,
  );
  const connections = await world.t.dataSource
    .query(`SELECT application_name, state, wait_event_type, left(query, 120) AS query FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()`, [world.t.database.name])
    .catch((e: Error) => e.message);
  const logged = logLines(service!.output())
    .filter((l) => Number(l.level) >= 40)
    .slice(-20)
    .map((l) => JSON.stringify(l));
  return [`health: ${health}`, `edition: ${JSON.stringify(await sample(editionId))}`, `connections: ${JSON.stringify(connections)}`, 'log:', ...logged].join('\n');
}

describe('PostgreSQL restarted while the service builds an edition', () => {
  it('never shows a half-built edition as published, and the running service finishes the edition once the server is back', async () => {
    service = await startService(serviceEnv(world, { BUNDLE_LEASE_SECONDS: '5' }));
    const editionId = await publishThroughApi(service, world);

    // Watch the edition throughout: published must mean every bundle not waiting for a key is ready.
    const violations: string[] = [];
    const seen: string[] = [];
    let watching = true;
    const watcher = (async () => {
      while (watching) {
        const s = await sample(editionId);
        if (s) {
          const key = `${s.state}:${s.counts.ready ?? 0}`;
          if (seen[seen.length - 1] !== key) seen.push(key);
          const unfinished = Object.entries(s.counts).filter(([state]) => state !== 'ready' && state !== 'waiting_for_key');
          if (s.state === 'published' && unfinished.length) violations.push(`published with ${JSON.stringify(s.counts)}`);
        }
        await sleep(50);
      }
    })();

    let awayMs = 0;
    let readyAtRestart = 0;
    try {
      // Restart once a fifth of the bundles is ready, so the worker is mid-edition.
      readyAtRestart = await until('a fifth of the bundles to be ready', 120_000, async () => {
        const s = await sample(editionId);
        return s && (s.counts.ready ?? 0) >= MEMBERS / 5 ? s.counts.ready : undefined;
      }, 20);
      awayMs = process.env.FAULT_PG === 'terminate' ? await cutConnections(world.t.database.name, 2_500) : await restartPostgres();
      const running = service;
      await until('the edition to be published by the same service process', 120_000, async () => {
        if (running.child.exitCode !== null || running.child.signalCode !== null) {
          throw new Error(`the service process died (exit ${running.child.exitCode ?? running.child.signalCode}):\n${running.output().split('\n').filter((l) => !l.startsWith('{')).slice(0, 8).join('\n')}`);
        }
        return (await sample(editionId))?.state === 'published' ? true : undefined;
      }, 250).catch(
        async (error: Error) => {
          throw new Error(error.message.startsWith('the service process died') ? error.message : `${error.message}\n${await diagnose(editionId)}`);
        },
      );
      // The service lived through it and still answers.
      expect(service.child.exitCode).toBeNull();
      expect((await fetch(`${service.baseUrl}/health`)).status).toBe(200);
    } finally {
      watching = false;
      await watcher;
      if (process.env.FAULT_LOG_DIR) await writeFile(join(process.env.FAULT_LOG_DIR, 'postgres-restart.log'), service.output());
    }
    await service.stop();
    const errors = logLines(service.output()).filter((l) => l.level === 50);
    process.stdout.write(
      `postgres-restart: restarted with ${readyAtRestart}/${MEMBERS} bundles ready, server away ${awayMs} ms; ` +
        `${errors.length} error lines logged (${[...new Set(errors.map((l) => `${l.msg} ${JSON.stringify(l.err ?? '')}`))].join('; ')}); states seen ${seen.length}\n`,
    );
    expect(violations).toEqual([]);
    // The outage was visible in the log (a job that failed says so), and named no person.
    expect(errors.length).toBeGreaterThan(0);
    expect(service.output()).not.toContain('@example.org');
    expect(service.output()).not.toContain('Ærø');

    const { rows, problems } = await expectWholeEdition(world, editionId, MEMBERS);
    expect(problems).toEqual([]);
    const [{ built, distinctBuilt, published }] = await world.t.dataSource.query(
      `SELECT count(*) FILTER (WHERE action = 'bundle.built')::int AS built, count(DISTINCT subject_id) FILTER (WHERE action = 'bundle.built')::int AS "distinctBuilt",
              count(*) FILTER (WHERE action = 'edition.published' AND subject_id = $1)::int AS published
         FROM audit_event WHERE detail->>'editionId' = $1 OR subject_id = $1`,
      [editionId],
    );
    expect({ built, distinctBuilt, published }).toEqual({ built: MEMBERS, distinctBuilt: MEMBERS, published: 1 });
    const [{ notices }] = await world.t.dataSource.query(
      `SELECT count(*)::int AS notices FROM outbox_mail o JOIN bundle b ON b.id = o.bundle_id WHERE b.edition_id = $1`,
      [editionId],
    );
    expect(notices).toBe(MEMBERS);
    const verified = await auditVerify(world);
    expect({ code: verified.code, ok: verified.json?.ok }).toEqual({ code: 0, ok: true });
    expect(await openWithAgeCli(world, rows[0].storage_key, rows[0].member_id)).toMatchObject({ editionId, bundleId: rows[0].id });
  });
});
