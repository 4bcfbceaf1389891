import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { actorId, SYSTEM_ACTOR, type Actor } from '../common/actor.js';
import { Clock } from '../common/clock.js';
import { newId } from '../common/ids.js';
import { AuditService } from '../audit/audit.service.js';
import { BundleQueue } from '../bundles/bundle-queue.js';
import { ConsentService } from '../consent/consent.service.js';
import type { ContactListEntity } from '../lists/contact-list.entity.js';
import { latestSlot } from '../lists/cron-schedule.js';
import { ListsService } from '../lists/lists.service.js';
import { MembersService } from '../members/members.service.js';
import type { EditionDto, EditionPreviewDto } from './dto/edition.dto.js';
import { buildSnapshot, contentHash, diffSnapshots, recipientsOf, type StoredSnapshot } from './edition-snapshot.js';
import { EditionEntity } from './edition.entity.js';
import { toEditionDto } from './edition.mapper.js';
import { assertCanWrite } from './edition-queries.js';
import { editionNotFound, editionUnchanged } from './editions.errors.js';
import { EditionsRepository } from './editions.repository.js';

export interface PublishResult {
  edition: EditionDto;
  /** false when the slot already had an edition (another instance published it) */
  created: boolean;
  /** true when the list skips unchanged slots and nothing changed */
  skipped: boolean;
}

const sameMembers = (a: string[], b: string[]) => a.length === b.length && [...a].sort().join() === [...b].sort().join();

/** One bundle row per recipient, queued in the caller's transaction; they expire after the list's bundle lifetime. */
export function queueBundles(
  queue: BundleQueue,
  tx: EntityManager,
  edition: EditionEntity,
  list: ContactListEntity,
  from: Date,
): Promise<void> {
  const expiresAt = new Date(from.getTime() + list.bundleLifetimeDays * 24 * 3600_000);
  return queue.createForEdition(tx, edition.id, edition.snapshot.recipients, expiresAt);
}

/**
 * Publishing an edition of a list, by hand, from the CLI or on the list's schedule: the snapshot in
 * which each member's consent decides which of their fields their row shows (`buildSnapshot`), the
 * edition row, and its bundles queued for the worker, all in one transaction.
 */
@Injectable()
export class PublishEdition {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly repository: EditionsRepository,
    private readonly lists: ListsService,
    private readonly members: MembersService,
    private readonly consent: ConsentService,
    private readonly queue: BundleQueue,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  /** Members and consent read in one consistent snapshot inside `tx` (REPEATABLE READ). */
  private async takeSnapshot(tx: EntityManager, list: ContactListEntity, at: Date): Promise<StoredSnapshot> {
    const members = await this.members.snapshotMembers(list.networkId, tx);
    const consents = await this.consent.recordsOfNetwork(list.networkId, tx);
    const snapshot = buildSnapshot(list.columns, members, consents, at);
    return { ...snapshot, recipients: recipientsOf(snapshot, members, list.recipientsRule) };
  }

  /** What the next edition would hold, and what changed since the last one; nothing is stored. */
  async preview(actor: Actor, listId: string): Promise<EditionPreviewDto> {
    assertCanWrite(actor);
    const list = await this.lists.reachable(actor, listId);
    return this.dataSource.transaction('REPEATABLE READ', async (tx) => {
      const snapshot = await this.takeSnapshot(tx, list, this.clock.now());
      const previous = await this.repository.latestPublished(list.id, tx);
      return {
        columns: snapshot.columns,
        rows: snapshot.rows,
        diff: diffSnapshots(previous?.snapshot, snapshot),
        recipientCount: snapshot.recipients.length,
        contentHash: contentHash(snapshot),
      };
    });
  }

  /**
   * Takes the snapshot and creates the edition with one bundle row per recipient, all in one
   * transaction. A scheduled slot is unique per list: a second instance firing the same slot
   * finds it taken and creates nothing.
   */
  async publish(actor: Actor, listId: string, options: { slot?: Date; force?: boolean } = {}): Promise<PublishResult> {
    assertCanWrite(actor);
    const list = await this.lists.reachable(actor, listId);
    const slot = options.slot ?? null;
    const force = options.force ?? false;
    const attempt = () => this.dataSource.transaction('REPEATABLE READ', (tx) => this.createInTx(tx, actor, list, { slot, force }));
    const outcome = await attempt().catch(async (error: unknown) => {
      // Under REPEATABLE READ a concurrent instance handling the same slot surfaces as a
      // serialization failure or unique violation. Trying once more sees what it committed: the
      // slot's edition (then nothing is created) or the same decision to skip.
      const code = (error as { code?: string })?.code;
      if (slot && (code === '40001' || code === '23505')) return attempt();
      throw error;
    });
    const edition = outcome.edition ?? (slot ? await this.repository.findBySlot(list.id, slot) : null);
    if (!edition) throw editionNotFound();
    return { edition: toEditionDto(edition), created: outcome.created, skipped: outcome.skipped };
  }

  /**
   * Creates an edition in the caller's transaction (publishing, and the corrections an erasure or
   * "publish a corrected edition" asks for). Published by hand, content and recipients unchanged
   * since the list's last live edition publish nothing unless `force`: the recipients already hold it.
   */
  async createInTx(
    tx: EntityManager,
    actor: Actor,
    list: ContactListEntity,
    { slot, force, reason }: { slot: Date | null; force: boolean; reason?: 'erasure' | 'correction' },
  ): Promise<{ edition: EditionEntity | undefined; created: boolean; skipped: boolean }> {
    const now = this.clock.now();
    const snapshot = await this.takeSnapshot(tx, list, now);
    const hash = contentHash(snapshot);
    const previous = await this.repository.latestPublished(list.id, tx);
    if (!slot && !force) {
      const last = await this.repository.latestLive(list.id, tx);
      if (last && last.contentHash === hash && sameMembers(last.snapshot.recipients, snapshot.recipients)) throw editionUnchanged();
    }
    if (slot && list.skipUnchanged && previous?.contentHash === hash) {
      await this.lists.markSlotSkipped(tx, list.id, slot);
      await this.audit.record(tx, actor, {
        action: 'edition.slot_skipped',
        subjectType: 'list',
        subjectId: list.id,
        networkId: list.networkId,
        detail: { slot: slot.toISOString(), unchangedSince: previous.id, contentHash: hash },
      });
      return { edition: previous, created: false, skipped: true };
    }
    const edition = Object.assign(new EditionEntity(), {
      id: newId(),
      listId: list.id,
      networkId: list.networkId,
      slot,
      state: list.requiresApproval ? 'awaiting_approval' : 'building',
      snapshot,
      contentHash: hash,
      diff: diffSnapshots(previous?.snapshot, snapshot),
      rowCount: snapshot.rows.length,
      recipientCount: snapshot.recipients.length,
      requestedByType: actor.type === 'staff' ? 'staff' : actor.type === 'cli' ? 'cli' : 'system',
      requestedById: actorId(actor),
      approvedById: null,
      approvedAt: null,
      createdAt: now,
      publishedAt: null,
    });
    if (!(await this.repository.insertUnlessSlotTaken(tx, edition))) return { edition: undefined, created: false, skipped: false };
    if (edition.state === 'building') await queueBundles(this.queue, tx, edition, list, now);
    await this.audit.record(tx, actor, {
      action: 'edition.created',
      subjectType: 'edition',
      subjectId: edition.id,
      networkId: list.networkId,
      detail: {
        listId: list.id,
        slot: slot?.toISOString() ?? null,
        state: edition.state,
        rows: edition.rowCount,
        recipients: edition.recipientCount,
        contentHash: hash,
        ...(force && !slot ? { forced: true } : {}),
        ...(reason ? { reason } : {}),
      },
    });
    return { edition, created: true, skipped: false };
  }

  /**
   * Publishes every scheduled list whose latest cron slot has no edition yet. Safe to run on any
   * number of instances at once: the slot is unique per list, so only one edition comes of it.
   */
  async publishDueSlots(now: Date): Promise<{ listId: string; slot: Date; result: PublishResult }[]> {
    const done: { listId: string; slot: Date; result: PublishResult }[] = [];
    for (const list of await this.lists.scheduled()) {
      const slot = latestSlot(list.scheduleCron!, list.timeZone, now, list.createdAt);
      if (!slot || list.lastSkippedSlot?.getTime() === slot.getTime() || (await this.existsForSlot(list.id, slot))) continue;
      done.push({ listId: list.id, slot, result: await this.publish(SYSTEM_ACTOR, list.id, { slot }) });
    }
    return done;
  }

  private async existsForSlot(listId: string, slot: Date): Promise<boolean> {
    return (await this.repository.findBySlot(listId, slot)) !== null;
  }
}
