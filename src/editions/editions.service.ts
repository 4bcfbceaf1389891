import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { actorId, SYSTEM_ACTOR, type Actor } from '../common/actor.js';
import { Clock } from '../common/clock.js';
import { forbidden } from '../common/domain-error.js';
import { newId } from '../common/ids.js';
import { AuditService } from '../audit/audit.service.js';
import { BundlesService, MAX_BUILD_ATTEMPTS } from '../bundles/bundles.service.js';
import type { BundleProgress } from '../bundles/bundles.repository.js';
import { ConsentService } from '../consent/consent.service.js';
import type { ContactListEntity } from '../lists/contact-list.entity.js';
import { latestSlot } from '../lists/cron-schedule.js';
import { ListsService } from '../lists/lists.service.js';
import { MembersService } from '../members/members.service.js';
import { NetworksService } from '../networks/networks.service.js';
import type { BundleProgressDto, BundleStatusDto, EditionDto, EditionPreviewDto } from './dto/edition.dto.js';
import { buildSnapshot, contentHash, diffSnapshots, recipientsOf, type StoredSnapshot } from './edition-snapshot.js';
import { EditionEntity } from './edition.entity.js';
import { editionNotAwaitingApproval, editionNotFound, editionUnchanged, fourEyes, onlyStaffApprove } from './editions.errors.js';
import { EditionsRepository, type FlaggedEditionRow } from './editions.repository.js';

export interface PublishResult {
  edition: EditionDto;
  /** false when the slot already had an edition (another instance published it) */
  created: boolean;
  /** true when the list skips unchanged slots and nothing changed */
  skipped: boolean;
}

/** What the renderer needs to lay out an edition (its rows hold consented values only). */
export interface EditionDocument {
  editionId: string;
  networkId: string;
  title: string;
  publishedAt: Date;
  timeZone: string;
  columns: StoredSnapshot['columns'];
  rows: StoredSnapshot['rows'];
  recipients: StoredSnapshot['recipients'];
  formats: ContactListEntity['formats'];
}

const sameMembers = (a: string[], b: string[]) => a.length === b.length && [...a].sort().join() === [...b].sort().join();

function progressDto(p: BundleProgress): BundleProgressDto {
  const total = Object.values(p).reduce((a, b) => a + b, 0);
  return { total, ready: p.ready, pending: p.pending, building: p.building, waitingForKey: p.waiting_for_key, failed: p.failed, revoked: p.revoked, expired: p.expired };
}

function toDto(e: EditionEntity, progress?: BundleProgress): EditionDto {
  return {
    id: e.id,
    listId: e.listId,
    networkId: e.networkId,
    state: e.state,
    slot: e.slot?.toISOString() ?? null,
    contentHash: e.contentHash,
    rowCount: e.rowCount,
    recipientCount: e.recipientCount,
    diff: e.diff,
    requestedByType: e.requestedByType,
    requestedById: e.requestedById,
    approvedById: e.approvedById,
    createdAt: e.createdAt.toISOString(),
    publishedAt: e.publishedAt?.toISOString() ?? null,
    correctionNeededSince: e.correctionNeededSince?.toISOString() ?? null,
    ...(progress ? { progress: progressDto(progress) } : {}),
  };
}

@Injectable()
export class EditionsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly repository: EditionsRepository,
    private readonly lists: ListsService,
    private readonly networks: NetworksService,
    private readonly members: MembersService,
    private readonly consent: ConsentService,
    private readonly bundles: BundlesService,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  private assertCanWrite(actor: Actor): void {
    if (actor.type === 'staff' && actor.role === 'auditor') throw forbidden();
  }

  /** Members and consent read in one consistent snapshot inside `tx` (REPEATABLE READ). */
  private async takeSnapshot(tx: EntityManager, list: ContactListEntity, at: Date): Promise<StoredSnapshot> {
    const members = await this.members.snapshotMembers(list.networkId, tx);
    const consents = await this.consent.recordsOfNetwork(list.networkId, tx);
    const snapshot = buildSnapshot(list.columns, members, consents, at);
    return { ...snapshot, recipients: recipientsOf(snapshot, members, list.recipientsRule) };
  }

  /** What the next edition would hold, and what changed since the last one; nothing is stored. */
  async preview(actor: Actor, listId: string): Promise<EditionPreviewDto> {
    this.assertCanWrite(actor);
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
    this.assertCanWrite(actor);
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
    return { edition: toDto(edition), created: outcome.created, skipped: outcome.skipped };
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
    if (edition.state === 'building') await this.createBundles(tx, edition, list, now);
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

  private async createBundles(tx: EntityManager, edition: EditionEntity, list: ContactListEntity, from: Date): Promise<void> {
    const expiresAt = new Date(from.getTime() + list.bundleLifetimeDays * 24 * 3600_000);
    await this.bundles.createForEdition(tx, edition.id, edition.snapshot.recipients, expiresAt);
  }

  /** Four eyes: someone other than the requester approves; then the bundles are built. */
  async approve(actor: Actor, editionId: string): Promise<EditionDto> {
    if (actor.type !== 'staff' || actor.role === 'auditor') throw onlyStaffApprove();
    const edition = await this.reachable(actor, editionId);
    const list = await this.lists.reachable(actor, edition.listId);
    return this.dataSource.transaction(async (tx) => {
      const locked = await this.repository.lockAwaitingApproval(tx, editionId);
      if (!locked) throw editionNotAwaitingApproval();
      if (locked.requestedById === actor.id) throw fourEyes();
      const now = this.clock.now();
      await this.repository.setState(tx, editionId, 'building', { approvedById: actor.id, approvedAt: now });
      await this.createBundles(tx, locked, list, now);
      await this.audit.record(tx, actor, {
        action: 'edition.approved',
        subjectType: 'edition',
        subjectId: editionId,
        networkId: locked.networkId,
        detail: { listId: locked.listId, requestedById: locked.requestedById },
      });
      return toDto(Object.assign(locked, { state: 'building', approvedById: actor.id, approvedAt: now }));
    });
  }

  async show(actor: Actor, editionId: string): Promise<EditionDto> {
    const edition = await this.reachable(actor, editionId);
    return toDto(edition, await this.bundles.progress(editionId));
  }

  async rows(actor: Actor, editionId: string): Promise<EditionPreviewDto> {
    this.assertCanWrite(actor);
    await this.reachable(actor, editionId);
    const edition = (await this.repository.findById(editionId))!;
    return { columns: edition.snapshot.columns, rows: edition.snapshot.rows, diff: edition.diff, recipientCount: edition.recipientCount, contentHash: edition.contentHash };
  }

  async ofList(actor: Actor, listId: string): Promise<EditionDto[]> {
    await this.lists.reachable(actor, listId);
    return (await this.repository.ofList(listId, 100)).map((e) => toDto(e));
  }

  async bundleStatus(actor: Actor, editionId: string): Promise<BundleStatusDto[]> {
    await this.reachable(actor, editionId);
    return (await this.bundles.ofEdition(editionId)).map((b) => ({
      bundleId: b.id,
      memberId: b.memberId,
      state: b.state,
      attempts: b.attempts,
      lastError: b.lastError,
      builtAt: b.builtAt?.toISOString() ?? null,
      downloadedAt: b.downloadedAt?.toISOString() ?? null,
      expiresAt: b.expiresAt.toISOString(),
    }));
  }

  /**
   * Revokes every live bundle, downloaded or not (a withdrawn edition is fetched by nobody again), and
   * deletes the files after the commit; the edition is marked revoked.
   */
  async revoke(actor: Actor, editionId: string): Promise<EditionDto> {
    this.assertCanWrite(actor);
    const edition = await this.reachable(actor, editionId);
    const keys = await this.dataSource.transaction((tx) => this.revokeInTx(tx, actor, edition, 'revoked'));
    await this.bundles.deleteFiles(keys);
    return this.show(actor, editionId);
  }

  /** Revokes an edition and all its live bundles in the caller's transaction; answers the files to delete after it. */
  async revokeInTx(
    tx: EntityManager,
    actor: Actor,
    edition: Pick<EditionEntity, 'id' | 'networkId'>,
    reason: 'revoked' | 'erasure' | 'corrected',
  ): Promise<string[]> {
    const { storageKeys, retired } = await this.bundles.retireEditions(tx, actor, [edition.id], reason);
    await this.repository.setState(tx, edition.id, 'revoked');
    await this.audit.record(tx, actor, {
      action: 'edition.revoked',
      subjectType: 'edition',
      subjectId: edition.id,
      networkId: edition.networkId,
      detail: { bundles: retired.length, reason },
    });
    return storageKeys;
  }

  /** Live editions that still list a member (after a withdrawal or leaving: candidates for recall). */
  async liveEditionsListing(actor: Actor, networkId: string, memberId: string): Promise<EditionDto[]> {
    this.assertCanWrite(actor);
    await this.networks.reachable(actor, networkId);
    // A member of another network, or none, is "not found": ids in URLs are never trusted.
    await this.members.assertMembership(networkId, memberId);
    return (await this.repository.liveListing(networkId, memberId)).map((e) => toDto(e));
  }

  /** Editions waiting for a correction after an erasure, in the networks the actor works in. */
  async flaggedForCorrection(actor: Actor): Promise<FlaggedEditionRow[]> {
    this.assertCanWrite(actor);
    const scoped = actor.type === 'staff' && actor.role === 'coordinator';
    return this.repository.flagged(scoped ? actor.networkIds : undefined);
  }

  /**
   * Retention: editions created before `cutoff` whose bundles are all gone lose their contact values
   * (one audit event each). In batches, each its own transaction; safe on several instances.
   */
  async purgeContactValues(cutoff: Date, batch = 100): Promise<number> {
    let purged = 0;
    for (;;) {
      const done = await this.dataSource.transaction(async (tx) => {
        const editions = await this.repository.purgeContactValues(tx, cutoff, this.clock.now(), batch);
        await this.audit.recordMany(
          tx,
          SYSTEM_ACTOR,
          editions.map((e) => ({
            action: 'edition.contact_values_purged',
            subjectType: 'edition',
            subjectId: e.id,
            networkId: e.networkId,
            detail: { rows: e.rowCount, cutoff: cutoff.toISOString(), revokedUnapproved: e.revoked },
          })),
        );
        return editions.length;
      });
      purged += done;
      if (done < batch) return purged;
    }
  }

  /** Which fields each edition's rows showed (for the records of processing). */
  fieldsShared(editionIds: string[]): Promise<Map<string, { networkId: string; fields: string[] }>> {
    return this.repository.fieldsShared(editionIds);
  }

  /**
   * Publishes the building editions that have nothing left to build but were never marked published:
   * the process that committed their last bundles died, or lost the database, before
   * `finishIfComplete`. No later commit would look at them again, so the worker sweeps them when it
   * finds nothing to claim. Answers the ids it published.
   */
  async finishStalled(editionIds?: string[]): Promise<string[]> {
    const finished: string[] = [];
    for (const editionId of await this.repository.buildingIds(editionIds)) {
      if (await this.finishIfComplete(editionId)) finished.push(editionId);
    }
    return finished;
  }

  /** Marks a building edition published once no bundle is left to build (keyless ones wait on). */
  async finishIfComplete(editionId: string): Promise<boolean> {
    // Cheap test first: while bundles are still being built there is nothing to lock.
    if (await this.bundles.hasWorkLeft(editionId)) return false;
    return this.dataSource.transaction(async (tx) => {
      const edition = await this.repository.lockIfBuilding(tx, editionId);
      if (!edition) return false;
      const p = await this.bundles.progress(editionId, tx);
      const [{ retrying }] = await tx.query(
        `SELECT count(*)::int AS retrying FROM bundle WHERE edition_id = $1 AND state = 'failed' AND attempts < $2`,
        [editionId, MAX_BUILD_ATTEMPTS],
      );
      if (p.pending + p.building + retrying > 0) return false;
      const now = this.clock.now();
      await this.repository.setState(tx, editionId, 'published', { publishedAt: now });
      await this.audit.record(tx, { type: 'system' }, {
        action: 'edition.published',
        subjectType: 'edition',
        subjectId: editionId,
        networkId: edition.networkId,
        detail: { ready: p.ready, waitingForKey: p.waiting_for_key, failed: p.failed },
      });
      // A correction is out: the editions whose copies it replaced are settled (art. 19), and only those.
      const settled = await this.repository.settleCorrectedBy(tx, editionId);
      await this.audit.recordMany(
        tx,
        { type: 'system' },
        settled.map((e) => ({
          action: 'edition.correction_sent',
          subjectType: 'edition',
          subjectId: e.id,
          networkId: e.networkId,
          detail: { correctedBy: editionId },
        })),
      );
      return true;
    });
  }

  /** "Who received my data": each edition that listed the member, when, and to how many. */
  async listingMember(memberId: string) {
    return (await this.repository.listingMember(memberId)).map((r) => ({ ...r, at: new Date(r.at).toISOString() }));
  }

  /** For the bundle builder: the edition's rows and layout. */
  async document(editionId: string): Promise<EditionDocument> {
    const edition = await this.repository.findById(editionId);
    if (!edition) throw editionNotFound();
    const list = await this.lists.reachable({ type: 'system' }, edition.listId);
    return {
      editionId,
      networkId: edition.networkId,
      title: list.title,
      publishedAt: edition.approvedAt ?? edition.createdAt,
      timeZone: list.timeZone,
      columns: edition.snapshot.columns,
      rows: edition.snapshot.rows,
      recipients: edition.snapshot.recipients,
      formats: list.formats,
    };
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

  async existsForSlot(listId: string, slot: Date): Promise<boolean> {
    return (await this.repository.findBySlot(listId, slot)) !== null;
  }

  /** The edition's summary (no snapshot), if the actor may see its list. */
  private async reachable(actor: Actor, editionId: string): Promise<EditionEntity> {
    const edition = await this.repository.findSummary(editionId);
    if (!edition) throw editionNotFound();
    await this.lists.reachable(actor, edition.listId).catch(() => {
      throw editionNotFound();
    });
    return edition;
  }
}
