import type { BundleProgress } from '../bundles/bundle-queue.repository.js';
import type { BundleProgressDto, EditionDto } from './dto/edition.dto.js';
import type { EditionEntity } from './edition.entity.js';

function progressDto(p: BundleProgress): BundleProgressDto {
  const total = Object.values(p).reduce((a, b) => a + b, 0);
  return { total, ready: p.ready, pending: p.pending, building: p.building, waitingForKey: p.waiting_for_key, failed: p.failed, revoked: p.revoked, expired: p.expired };
}

/** The API's view of an edition (never its snapshot), with the bundles' progress when given. */
export function toEditionDto(e: EditionEntity, progress?: BundleProgress): EditionDto {
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
