import { Inject, Injectable } from '@nestjs/common';
import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import type { BundleEntity } from '../bundles/bundle.entity.js';
import { BundleQueue } from '../bundles/bundle-queue.js';
import { Clock } from '../common/clock.js';
import { LOGGER } from '../common/logger.module.js';
import { EditionDocuments } from '../editions/edition-document.js';
import { FinishEdition } from '../editions/finish-edition.js';
import { MembersService } from '../members/members.service.js';
import { RecipientsService } from '../recipients/recipients.service.js';
import { BundleBuilder, type BuiltBundle, type PreparedEdition } from './bundle-builder.js';
import { BundleDelivery } from './bundle-delivery.js';

/** Bundles claimed, built and committed together: one transaction and one audit lock per batch. */
const CLAIM_BATCH = 48;

interface Batch {
  claimed: BundleEntity[];
  built: { bundle: BundleEntity; built: BuiltBundle; networkId: string }[];
}
/** Prepared editions kept in memory; each holds one rendered edition. */
const PREPARED_CACHE = 4;

/**
 * Builds the bundles of published editions. Work is claimed from PostgreSQL (SKIP LOCKED leases),
 * so any number of instances share it, and a crash at any point is resumed by whoever claims next.
 */
@Injectable()
export class BundleWorker {
  readonly workerId = `${hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`;
  private readonly prepared = new Map<string, Promise<PreparedEdition>>();

  constructor(
    private readonly queue: BundleQueue,
    private readonly delivery: BundleDelivery,
    private readonly finishing: FinishEdition,
    private readonly documents: EditionDocuments,
    private readonly members: MembersService,
    private readonly recipients: RecipientsService,
    private readonly builder: BundleBuilder,
    private readonly clock: Clock,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  /**
   * Works until nothing is left to claim (for the CLI, the scheduler tick and tests). While one
   * batch is being written and committed, the next is already being built.
   */
  async drain(editionIds?: string[]): Promise<number> {
    let total = 0;
    let committing: Promise<void> = Promise.resolve();
    try {
      for (;;) {
        const batch = await this.claimAndBuild(editionIds);
        await committing;
        if (!batch) {
          await this.finishStalled(editionIds);
          return total;
        }
        total += batch.claimed.length;
        committing = this.commit(batch);
        // Awaited above once the next batch is built; until then a failed commit (the database gone)
        // must not count as an unhandled rejection, which ends the whole process.
        committing.catch(() => undefined);
      }
    } finally {
      await committing;
    }
  }

  /** Claims a batch and builds its bundles in memory (CPU only; nothing is written yet). */
  private async claimAndBuild(editionIds?: string[]): Promise<Batch | null> {
    const claimed = await this.queue.claim(this.workerId, CLAIM_BATCH, editionIds);
    if (claimed.length === 0) return null;
    const memberIds = [...new Set(claimed.map((b) => b.memberId))];
    const keys = await this.recipients.recipientsOf(memberIds);
    const names = await this.members.namesOf(memberIds);
    const built: Batch['built'] = [];
    for (const bundle of claimed) {
      const result = await this.buildOne(bundle, keys.get(bundle.memberId) ?? [], names.get(bundle.memberId) ?? '');
      if (result) built.push({ bundle, ...result });
      // Building is CPU work; letting the event loop turn between bundles keeps the previous
      // batch's file writes and database calls moving, and the HTTP server answering, instead of
      // waiting for the whole batch.
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    return { claimed, built };
  }

  /** Stores and marks ready a built batch, then publishes any edition it finished. */
  private async commit({ claimed, built }: Batch): Promise<void> {
    for (const { bundle, error } of await this.delivery.completeMany(this.workerId, built)) {
      await this.recordFailure(bundle, error, built.find((b) => b.bundle === bundle)?.networkId ?? null);
    }
    for (const editionId of new Set(claimed.map((b) => b.editionId))) {
      if (await this.finishing.finishIfComplete(editionId)) {
        this.prepared.delete(editionId);
        this.logger.info({ editionId }, 'edition published');
      }
    }
  }

  /** Editions whose last commit died before publishing them (a crash, a lost connection) are finished here. */
  private async finishStalled(editionIds?: string[]): Promise<void> {
    for (const editionId of await this.finishing.finishStalled(editionIds)) {
      this.prepared.delete(editionId);
      this.logger.info({ editionId }, 'edition published');
    }
  }

  /** Builds one bundle in memory; null when it cannot be built now (no key yet, or it failed). */
  private async buildOne(bundle: BundleEntity, recipients: string[], recipientName: string): Promise<{ built: BuiltBundle; networkId: string } | null> {
    let networkId: string | null = null;
    try {
      const prepared = await this.preparedEdition(bundle.editionId);
      networkId = prepared.document.networkId;
      if (recipients.length === 0) {
        await this.queue.waitForKey(bundle, this.workerId);
        return null;
      }
      return { built: await this.builder.build(prepared, bundle, recipientName, recipients, this.clock.now()), networkId };
    } catch (error) {
      await this.recordFailure(bundle, error, networkId);
      return null;
    }
  }

  private async recordFailure(bundle: BundleEntity, error: unknown, networkId: string | null): Promise<void> {
    // The reason is kept for coordinators; it names the failure class, never data.
    const reason = describeFailure(error);
    this.logger.warn({ bundleId: bundle.id, reason }, 'bundle failed');
    await this.queue.fail(bundle, this.workerId, reason, networkId).catch((e: unknown) =>
      this.logger.error({ bundleId: bundle.id, err: { type: (e as Error)?.name } }, 'could not record bundle failure'),
    );
  }

  private preparedEdition(editionId: string): Promise<PreparedEdition> {
    let prepared = this.prepared.get(editionId);
    if (!prepared) {
      prepared = this.documents.document(editionId).then(async (doc) => {
        const names = await this.members.namesOf(doc.recipients);
        return this.builder.prepare(doc, [...names.values()]);
      });
      prepared.catch(() => this.prepared.delete(editionId));
      this.prepared.set(editionId, prepared);
      while (this.prepared.size > PREPARED_CACHE) this.prepared.delete(this.prepared.keys().next().value!);
    }
    return prepared;
  }
}

function describeFailure(error: unknown): string {
  const e = error as NodeJS.ErrnoException;
  if (e?.code && typeof e.code === 'string') return `${e.name ?? 'Error'} ${e.code}${e.syscall ? ` during ${e.syscall}` : ''}`;
  return e?.name ?? 'Error';
}
