import { Injectable } from '@nestjs/common';
import type { Actor } from '../common/actor.js';
import { forbidden } from '../common/domain-error.js';
import { BundleQueue } from '../bundles/bundle-queue.js';
import { ListsService } from '../lists/lists.service.js';
import { MembersService } from '../members/members.service.js';
import { NetworksService } from '../networks/networks.service.js';
import type { BundleStatusDto, EditionDto, EditionPreviewDto } from './dto/edition.dto.js';
import type { EditionEntity } from './edition.entity.js';
import { toEditionDto } from './edition.mapper.js';
import { editionNotFound } from './editions.errors.js';
import { EditionsRepository, type FlaggedEditionRow } from './editions.repository.js';

/** Auditors read; they never publish, approve, revoke or see an edition's rows. */
export function assertCanWrite(actor: Actor): void {
  if (actor.type === 'staff' && actor.role === 'auditor') throw forbidden();
}

/** What staff, the API and the CLI read about editions: state, progress, rows, bundles, flags. */
@Injectable()
export class EditionQueries {
  constructor(
    private readonly repository: EditionsRepository,
    private readonly lists: ListsService,
    private readonly networks: NetworksService,
    private readonly members: MembersService,
    private readonly bundles: BundleQueue,
  ) {}

  async show(actor: Actor, editionId: string): Promise<EditionDto> {
    const edition = await this.reachable(actor, editionId);
    return toEditionDto(edition, await this.bundles.progress(editionId));
  }

  async rows(actor: Actor, editionId: string): Promise<EditionPreviewDto> {
    assertCanWrite(actor);
    await this.reachable(actor, editionId);
    const edition = (await this.repository.findById(editionId))!;
    return { columns: edition.snapshot.columns, rows: edition.snapshot.rows, diff: edition.diff, recipientCount: edition.recipientCount, contentHash: edition.contentHash };
  }

  async ofList(actor: Actor, listId: string): Promise<EditionDto[]> {
    await this.lists.reachable(actor, listId);
    return (await this.repository.ofList(listId, 100)).map((e) => toEditionDto(e));
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

  /** Live editions that still list a member (after a withdrawal or leaving: candidates for recall). */
  async liveEditionsListing(actor: Actor, networkId: string, memberId: string): Promise<EditionDto[]> {
    assertCanWrite(actor);
    await this.networks.reachable(actor, networkId);
    // A member of another network, or none, is "not found": ids in URLs are never trusted.
    await this.members.assertMembership(networkId, memberId);
    return (await this.repository.liveListing(networkId, memberId)).map((e) => toEditionDto(e));
  }

  /** Editions waiting for a correction after an erasure, in the networks the actor works in. */
  async flaggedForCorrection(actor: Actor): Promise<FlaggedEditionRow[]> {
    assertCanWrite(actor);
    const scoped = actor.type === 'staff' && actor.role === 'coordinator';
    return this.repository.flagged(scoped ? actor.networkIds : undefined);
  }

  /** The edition's summary (no snapshot), if the actor may see its list; otherwise "not found". */
  async reachable(actor: Actor, editionId: string): Promise<EditionEntity> {
    const edition = await this.repository.findSummary(editionId);
    if (!edition) throw editionNotFound();
    await this.lists.reachable(actor, edition.listId).catch(() => {
      throw editionNotFound();
    });
    return edition;
  }
}
