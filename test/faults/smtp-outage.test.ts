import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { freePort } from '../support/service-process.js';
import { startSmtpSink, type SmtpSink } from '../support/smtp-sink.js';
import { editionState, publishThroughApi, seedWorld, serviceEnv, sleep, startService, until, type FaultWorld, type ServiceProcess } from './support/fault-world.js';

/**
 * The mail server is down when the notices of an edition are first sent, and comes up later on the
 * same port. The outbox's first retry is 30 s after a failed attempt (then 1 min, 2 min ...): the
 * test waits those 30 s for real.
 */
const MEMBERS = 40;

let world: FaultWorld;
let service: ServiceProcess | undefined;
let sink: SmtpSink | undefined;

beforeAll(async () => {
  world = await seedWorld(MEMBERS);
}, 120_000);

afterAll(async () => {
  await service?.stop();
  await sink?.close();
  await world?.close();
});

type Outbox = { id: string; message_id: string; to_address: string; state: string; attempts: number; last_error: string | null; next_attempt_at: Date };

describe('the SMTP server down for the first part of a run, then up', () => {
  it('delivers every notice exactly once, after a back-off, with the failure recorded without addresses', async () => {
    const port = await freePort();
    service = await startService(serviceEnv(world, { SMTP_URL: `smtp://127.0.0.1:${port}` }));
    const editionId = await publishThroughApi(service, world);
    const outboxOf = (): Promise<Outbox[]> =>
      world.t.dataSource.query(
        `SELECT o.id, o.message_id, o.to_address, o.state, o.attempts, o.last_error, o.next_attempt_at FROM outbox_mail o JOIN bundle b ON b.id = o.bundle_id WHERE b.edition_id = $1`,
        [editionId],
      );

    // Every notice was tried once, failed to connect, and waits for its retry.
    const tried = await until('every notice to have failed once', 90_000, async () => {
      const rows = await outboxOf();
      return rows.length === MEMBERS && rows.every((r) => r.state === 'pending' && r.attempts === 1 && r.last_error) ? rows : undefined;
    }, 200);
    expect(await editionState(world, editionId)).toBe('published');
    for (const row of tried) {
      expect(row.last_error).toMatch(/^Error( [A-Z][A-Z0-9_]+)+$/);
      expect(row.last_error).toMatch(/ECONNREFUSED|ECONNECTION|ESOCKET/);
      expect(new Date(row.next_attempt_at).getTime()).toBeGreaterThan(Date.now() + 10_000);
    }
    expect(service.output()).not.toContain('@example.org');

    // The server comes up on that port; the retries deliver each notice once.
    sink = await startSmtpSink({ port });
    await sink.waitFor(MEMBERS, 90_000);
    await until('every notice to be marked sent', 30_000, async () => ((await outboxOf()).every((r) => r.state === 'sent') ? true : undefined), 200);
    // Another outbox tick: nothing more arrives.
    await sleep(6_000);
    const rows = await outboxOf();
    expect(rows.map((r) => ({ state: r.state, attempts: r.attempts, lastError: r.last_error }))).toEqual(rows.map(() => ({ state: 'sent', attempts: 2, lastError: null })));
    expect(sink.mails).toHaveLength(MEMBERS);
    expect(sink.mails.flatMap((m) => m.envelopeTo).sort()).toEqual([...world.emails.values()].sort());
    expect(sink.mails.map((m) => m.messageId).sort()).toEqual(rows.map((r) => r.message_id).sort());
    const [{ sent }] = await world.t.dataSource.query(
      `SELECT count(DISTINCT subject_id)::int AS sent FROM audit_event WHERE action = 'notice.sent' AND subject_id = ANY($1::text[])`,
      [rows.map((r) => r.id)],
    );
    expect(sent).toBe(MEMBERS);
  });
});
