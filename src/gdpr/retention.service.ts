import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AccessRequestsService } from '../access-requests/access-requests.service.js';
import { AuditService } from '../audit/audit.service.js';
import { RetireBundles } from '../bundles/retire-bundles.js';
import { SYSTEM_ACTOR } from '../common/actor.js';
import { Clock } from '../common/clock.js';
import { AppConfig } from '../config/app-config.js';
import { EditionRetention } from '../editions/edition-retention.js';

/** Any fixed 64-bit number: one retention run at a time across instances. */
const RETENTION_LOCK_KEY = 4_801_230_791;
const EXPIRY_BATCH = 500;

export interface RetentionResult {
  bundleFilesDeleted: number;
  editionsPurged: number;
  accessRequestsDeleted: number;
  editionCutoff: string;
  accessRequestCutoff: string;
}

/** `months` calendar months before `at` (the day clamped to the shorter month's end). */
export function monthsBefore(at: Date, months: number): Date {
  const d = new Date(at.getTime());
  const day = d.getUTCDate();
  d.setUTCDate(1);
  d.setUTCMonth(d.getUTCMonth() - months);
  const last = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 0)).getUTCDate();
  d.setUTCDate(Math.min(day, last));
  return d;
}

/**
 * The retention settings, applied by a daily job: bundles past their lifetime are expired (their
 * files deleted), editions older than RETENTION_EDITION_MONTHS lose the contact values of their rows
 * (the edition row, member ids, counts and content hash stay: the audit log refers to them), access
 * requests older than RETENTION_ACCESS_REQUEST_DAYS are deleted. Each action is an audit event.
 * Every step is idempotent, so a second run or a second instance finds nothing left to do.
 */
@Injectable()
export class RetentionService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly bundles: RetireBundles,
    private readonly editions: EditionRetention,
    private readonly accessRequests: AccessRequestsService,
    private readonly audit: AuditService,
    private readonly config: AppConfig,
    private readonly clock: Clock,
  ) {}

  /** For the scheduler: runs unless another instance is running it now (then answers null). */
  async applyExclusive(): Promise<RetentionResult | null> {
    const runner = this.dataSource.createQueryRunner();
    await runner.connect();
    try {
      const [{ locked }]: { locked: boolean }[] = await runner.query('SELECT pg_try_advisory_lock($1) AS locked', [RETENTION_LOCK_KEY]);
      if (!locked) return null;
      try {
        return await this.apply();
      } finally {
        await runner.query('SELECT pg_advisory_unlock($1)', [RETENTION_LOCK_KEY]);
      }
    } finally {
      await runner.release();
    }
  }

  async apply(): Promise<RetentionResult> {
    const now = this.clock.now();
    let bundleFilesDeleted = 0;
    // expireDue answers the files it deleted; a batch of bundles that had none ends the loop early,
    // and the next run (or the 10-minute expiry job) takes the rest.
    for (;;) {
      const n = await this.bundles.expireDue(EXPIRY_BATCH);
      bundleFilesDeleted += n;
      if (n < EXPIRY_BATCH) break;
    }
    const editionCutoff = monthsBefore(now, this.config.retentionEditionMonths);
    const editionsPurged = await this.editions.purgeContactValues(editionCutoff);
    const accessRequestCutoff = new Date(now.getTime() - this.config.retentionAccessRequestDays * 24 * 3600_000);
    const accessRequestsDeleted = await this.accessRequests.deleteOlderThan(accessRequestCutoff);
    const result = { bundleFilesDeleted, editionsPurged, accessRequestsDeleted, editionCutoff: editionCutoff.toISOString(), accessRequestCutoff: accessRequestCutoff.toISOString() };
    if (editionsPurged + accessRequestsDeleted > 0) {
      await this.dataSource.transaction((tx) =>
        this.audit.record(tx, SYSTEM_ACTOR, {
          action: 'retention.applied',
          subjectType: 'retention',
          detail: { ...result, editionMonths: this.config.retentionEditionMonths, accessRequestDays: this.config.retentionAccessRequestDays },
        }),
      );
    }
    return result;
  }
}
