import { afterAll, describe, expect, it } from '@jest/globals';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { startSmtpSink, type SinkMail, type SmtpSink } from '../support/smtp-sink.js';
import {
  auditVerify,
  bundleCounts,
  editionState,
  expectWholeEdition,
  lapseDeadMailLeases,
  openWithAgeCli,
  publishThroughApi,
  seedWorld,
  seededRandom,
  serviceEnv,
  sleep,
  startService,
  until,
  type FaultWorld,
  type ServiceProcess,
} from './support/fault-world.js';

/**
 * SIGKILL of the service at points a seeded PRNG picks, while it builds a 500-member edition and
 * sends its notices to a real SMTP server. Seeds are fixed and printed; FAULT_SEEDS=1,2 reruns others.
 *
 * Each kill is one of:
 *  - "bundles": once a random share of the remaining bundles is ready, plus 0-400 ms;
 *  - "mail":    once a random share of the remaining notices has arrived at the SMTP server, plus 0-30 ms;
 *  - "smtp-accept": inside the SMTP exchange, after the server stored a notice and before it answers
 *               250 (the one window SMTP leaves open, see below);
 *  - "time":    0-6 s after the instance answered /health.
 * A fresh instance is started after each kill (it removes the dead one's temporary files at start;
 * the dead one's bundle claims lapse after BUNDLE_LEASE_SECONDS=5). Its outbox claims would lapse after
 * five minutes: the test moves them to now instead of waiting (lapseDeadMailLeases).
 *
 * The seeds run side by side, each on its own database, DATA_DIR, SMTP server and service process:
 * sending 500 notices takes the outbox about 100 s against this SMTP server (50 a tick, one connection
 * each, and smtp-server pauses 100 ms before its greeting), which is mostly waiting.
 *
 * Duplicates: a notice the SMTP server accepted but whose "sent" mark died with the process is sent
 * again, because the sender cannot know the server has it (SMTP has no idempotent submission: the
 * 250 reply is the only acknowledgement, and a process can die after the server stored the mail and
 * before it reads or records that reply). The copy has the same Message-ID, Date and content, so a
 * receiving system that drops repeats by Message-ID (Gmail does; Sieve "duplicate", RFC 7352)
 * shows it once. The test counts such copies and checks each is an exact repeat of a mail that was
 * in the SMTP exchange when an instance was killed: at most one per kill, never a second distinct
 * notice for anyone.
 */
const MEMBERS = 500;
const SEEDS = (process.env.FAULT_SEEDS ?? '1101,2202,3303,4404,5505').split(',').map(Number);
const KILLS_PER_SEED = 3;

type Kill = { kind: 'bundles' | 'mail' | 'smtp-accept' | 'time'; r: number; delayMs: number };


const alive = (service: ServiceProcess) => service.child.exitCode === null && service.child.signalCode === null;

const worlds: FaultWorld[] = [];

afterAll(async () => {
  for (const world of worlds) await world.close();
});

function plan(seed: number): Kill[] {
  const random = seededRandom(seed);
  const kinds: Kill['kind'][] = ['bundles', 'bundles', 'mail', 'smtp-accept', 'time'];
  return Array.from({ length: KILLS_PER_SEED }, () => {
    const kind = kinds[Math.floor(random() * kinds.length)];
    const r = random();
    const delayMs = kind === 'time' ? Math.floor(random() * 6_000) : kind === 'bundles' ? Math.floor(random() * 400) : Math.floor(random() * 30);
    return { kind, r, delayMs };
  });
}

describe('the service killed with SIGKILL at random points of a 500-member edition', () => {
  for (const seed of SEEDS) {
    it.concurrent(`seed ${seed}: afterwards each recipient has exactly one whole bundle and one notice, no temporary files, and the audit log verifies`, async () => {
      const kills = plan(seed);
      const started = Date.now();
      const world = await seedWorld(MEMBERS);
      worlds.push(world);
      /** The mail being accepted when an instance was killed inside the SMTP exchange. */
      const inFlightAtKill: SinkMail[] = [];
      let killInsideSmtpAt: number | undefined;
      let service: ServiceProcess | undefined;
      const sink: SmtpSink = await startSmtpSink({
        onMail: (mail) => {
          if (killInsideSmtpAt !== undefined && sink.mails.length >= killInsideSmtpAt && service && alive(service)) {
            killInsideSmtpAt = undefined;
            inFlightAtKill.push(mail);
            service.child.kill('SIGKILL');
          }
        },
      });
      const env = serviceEnv(world, { SMTP_URL: sink.url, BUNDLE_LEASE_SECONDS: '5' });
      const outputs: string[] = [];
      const happened: string[] = [];
      let editionId = '';
      try {
        service = await startService(env);
        editionId = await publishThroughApi(service, world);
        for (const kill of kills) {
          const ready = (await bundleCounts(world, editionId)).ready ?? 0;
          let kind = kill.kind;
          // Nothing left to build: this kill goes to the mail instead.
          if (kind === 'bundles' && ready >= MEMBERS - 1) kind = 'mail';
          if ((kind === 'mail' || kind === 'smtp-accept') && sink.mails.length >= MEMBERS - 1) kind = 'time';
          const current = service!;
          const exited = new Promise<void>((resolve) => (alive(current) ? current.child.once('exit', () => resolve()) : resolve()));
          if (kind === 'bundles') {
            const target = Math.min(MEMBERS - 1, ready + Math.max(1, Math.floor(kill.r * (MEMBERS - ready))));
            await until(`${target} ready bundles`, 240_000, async () => (((await bundleCounts(world, editionId)).ready ?? 0) >= target || !alive(current) ? true : undefined), 20);
            await sleep(kill.delayMs);
            happened.push(`bundles>=${target}+${kill.delayMs}ms`);
          } else if (kind === 'mail') {
            const target = Math.min(MEMBERS - 1, sink.mails.length + Math.max(1, Math.floor(kill.r * (MEMBERS - sink.mails.length))));
            await sink.waitFor(target, 240_000);
            await sleep(kill.delayMs);
            happened.push(`mails>=${target}+${kill.delayMs}ms`);
          } else if (kind === 'smtp-accept') {
            const target = Math.min(MEMBERS - 1, sink.mails.length + Math.max(1, Math.floor(kill.r * (MEMBERS - sink.mails.length))));
            killInsideSmtpAt = target;
            await until(`the kill at mail ${target}`, 240_000, async () => (alive(current) ? undefined : true), 20);
            happened.push(`inside SMTP at mail ${target}`);
          } else {
            await sleep(kill.delayMs);
            happened.push(`${kill.delayMs}ms after start`);
          }
          current.child.kill('SIGKILL');
          await exited;
          outputs.push(current.output());
          const counts = await bundleCounts(world, editionId);
          happened[happened.length - 1] += ` (ready ${counts.ready ?? 0}, at SMTP ${sink.mails.length})`;
          await lapseDeadMailLeases(world);
          service = await startService(env);
        }

        const finalService = service!;
        await until('the edition to be published', 300_000, async () => ((await editionState(world, editionId)) === 'published' ? true : undefined), 250);
        await until('every notice of the edition to be sent', 300_000, async () => {
          const [row] = await world.t.dataSource.query(
            `SELECT count(*) FILTER (WHERE o.state = 'sent')::int AS sent, count(*)::int AS total FROM outbox_mail o JOIN bundle b ON b.id = o.bundle_id WHERE b.edition_id = $1`,
            [editionId],
          );
          return row.sent === MEMBERS && row.total === MEMBERS ? true : undefined;
        }, 250);
        // One more outbox tick: a stray repeat would arrive now.
        await sleep(6_000);
        await finalService.stop();
        outputs.push(finalService.output());
      } finally {
        if (service && alive(service)) await service.stop('SIGKILL');
        await sink.close();
      }

      if (process.env.FAULT_LOG_DIR) await writeFile(join(process.env.FAULT_LOG_DIR, `service-kill-${seed}.log`), outputs.join('\n----- killed; next instance -----\n'));

      // One ready bundle per recipient, one whole .age file each, nothing else on disk.
      const { rows, problems } = await expectWholeEdition(world, editionId, MEMBERS);
      expect(problems).toEqual([]);
      expect(await editionState(world, editionId)).toBe('published');
      const [{ built, distinctBuilt }] = await world.t.dataSource.query(
        `SELECT count(*)::int AS built, count(DISTINCT subject_id)::int AS "distinctBuilt" FROM audit_event WHERE action = 'bundle.built' AND detail->>'editionId' = $1`,
        [editionId],
      );
      expect({ built, distinctBuilt }).toEqual({ built: MEMBERS, distinctBuilt: MEMBERS });

      // Exactly one notice per recipient at the SMTP server: by address and by Message-ID.
      const outbox: { message_id: string; to_address: string }[] = await world.t.dataSource.query(
        `SELECT o.message_id, o.to_address FROM outbox_mail o JOIN bundle b ON b.id = o.bundle_id WHERE b.edition_id = $1`,
        [editionId],
      );
      const byAddress = new Map<string, Set<string>>();
      for (const mail of sink.mails) {
        for (const to of mail.envelopeTo) byAddress.set(to, (byAddress.get(to) ?? new Set()).add(mail.messageId));
      }
      expect([...byAddress.keys()].sort()).toEqual([...world.emails.values()].sort());
      expect([...byAddress.values()].filter((ids) => ids.size !== 1)).toEqual([]);
      expect(new Set(sink.mails.map((m) => m.messageId))).toEqual(new Set(outbox.map((o) => o.message_id)));
      const [{ sentEvents }] = await world.t.dataSource.query(
        `SELECT count(DISTINCT subject_id)::int AS "sentEvents" FROM audit_event WHERE action = 'notice.sent' AND detail->>'bundleId' = ANY($1::text[])`,
        [rows.map((r) => r.id)],
      );
      expect(sentEvents).toBe(MEMBERS);

      // Repeats: only of mails in the SMTP exchange at a kill, at most one per kill, each an exact copy.
      const copies = new Map<string, SinkMail[]>();
      for (const mail of sink.mails) copies.set(mail.messageId, [...(copies.get(mail.messageId) ?? []), mail]);
      const repeated = [...copies.values()].filter((c) => c.length > 1);
      expect(repeated.every((c) => c.length === 2)).toBe(true);
      expect(repeated.length).toBeLessThanOrEqual(kills.length);
      for (const [first, second] of repeated) {
        expect({ date: second.parsed.date, subject: second.subject, text: second.text, html: second.html, to: second.envelopeTo }).toEqual({
          date: first.parsed.date,
          subject: first.subject,
          text: first.text,
          html: first.html,
          to: first.envelopeTo,
        });
      }
      // A kill inside the SMTP exchange always leaves the sender without the 250: that mail is repeated.
      for (const mail of inFlightAtKill) expect(copies.get(mail.messageId)).toHaveLength(2);

      // The audit log is intact (the command line on the same database).
      const verified = await auditVerify(world);
      expect({ code: verified.code, ok: verified.json?.ok }).toEqual({ code: 0, ok: true });

      // A few bundles, chosen by the seed, open with their member's own key in the real age CLI.
      const random = seededRandom(seed * 7);
      for (let i = 0; i < 3; i++) {
        const row = rows[Math.floor(random() * rows.length)];
        expect(await openWithAgeCli(world, row.storage_key, row.member_id)).toMatchObject({ editionId, bundleId: row.id, recipientId: row.member_id });
      }

      // Logs name ids, never people.
      for (const output of outputs) {
        expect(output).not.toContain('Ærø');
        expect(output).not.toContain('@example.org');
      }
      process.stdout.write(
        `service-kill seed ${seed}: kills [${happened.join('; ')}]; ${sink.mails.length} mails at SMTP for ${MEMBERS} recipients ` +
          `(${repeated.length} repeated Message-ID${repeated.length === 1 ? '' : 's'}); ${Math.round((Date.now() - started) / 1000)} s\n`,
      );
    });
  }
});

describe('the service killed inside the SMTP exchange, after the server stored a notice and before its 250 reply', () => {
  it.concurrent('sends that notice again with the same Message-ID, Date and content, and no other notice twice', async () => {
    const members = 20;
    const world = await seedWorld(members);
    worlds.push(world);
    let service: ServiceProcess | undefined;
    let inFlight: SinkMail | undefined;
    const sink: SmtpSink = await startSmtpSink({
      onMail: (mail) => {
        if (!inFlight && service) {
          inFlight = mail;
          service.child.kill('SIGKILL');
        }
      },
    });
    const env = serviceEnv(world, { SMTP_URL: sink.url, BUNDLE_LEASE_SECONDS: '5' });
    try {
      service = await startService(env);
      const editionId = await publishThroughApi(service, world);
      const killed = service;
      await until('the kill inside the SMTP exchange', 60_000, async () => (alive(killed) ? undefined : true), 20);
      const [row] = await world.t.dataSource.query(`SELECT state, attempts FROM outbox_mail WHERE message_id = $1`, [inFlight!.messageId]);
      // The server has the mail; the dead sender never recorded it as sent.
      expect(row).toEqual({ state: 'sending', attempts: 1 });
      await lapseDeadMailLeases(world);
      service = await startService(env);
      await until('every notice to be sent', 120_000, async () => {
        const [r] = await world.t.dataSource.query(
          `SELECT count(*) FILTER (WHERE o.state = 'sent')::int AS sent FROM outbox_mail o JOIN bundle b ON b.id = o.bundle_id WHERE b.edition_id = $1`,
          [editionId],
        );
        return r.sent === members ? true : undefined;
      }, 250);
      await sleep(6_000);
    } finally {
      if (service && alive(service)) await service.stop();
      await sink.close();
    }
    const copies = sink.mails.filter((m) => m.messageId === inFlight!.messageId);
    expect(copies).toHaveLength(2);
    const [first, second] = copies;
    expect({ date: second.parsed.date, subject: second.subject, text: second.text, html: second.html, to: second.envelopeTo }).toEqual({
      date: first.parsed.date,
      subject: first.subject,
      text: first.text,
      html: first.html,
      to: first.envelopeTo,
    });
    expect(sink.mails).toHaveLength(members + 1);
    expect(new Set(sink.mails.map((m) => m.messageId)).size).toBe(members);
    expect(new Set(sink.mails.flatMap((m) => m.envelopeTo)).size).toBe(members);
    process.stdout.write(`service-kill inside SMTP: ${sink.mails.length} mails for ${members} recipients; the one in flight arrived twice with one Message-ID\n`);
  });
});
