import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { Actor } from '../common/actor.js';
import { DomainError, forbidden } from '../common/domain-error.js';
import { AuditService } from './audit.service.js';
import { readWatermark, type WatermarkSource } from './leak-watermark.js';

/** Where a leaked copy came from, from the log alone: ids and times, no personal data. */
export interface TraceResult {
  bundleId: string;
  foundIn: WatermarkSource;
  editionId: string | null;
  recipientMemberId: string | null;
  builtAt: string;
  networkId: string | null;
  downloads: { seq: number; at: string; file: string | null }[];
  events: { seq: number; at: string; action: string }[];
}

const text = (v: unknown) => (typeof v === 'string' ? v : null);

@Injectable()
export class AuditTraceService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly audit: AuditService,
  ) {}

  /** Reads the bundle id from a leaked XLSX or PDF and finds its edition and recipient in the log. The look-up is logged. */
  async trace(actor: Actor, file: Buffer): Promise<TraceResult> {
    if (actor.type === 'member' || (actor.type === 'staff' && actor.role === 'coordinator')) throw forbidden();
    const { bundleId, foundIn } = await readWatermark(file);
    const events = await this.audit.ofSubject('bundle', bundleId);
    const built = events.find((e) => e.action === 'bundle.built');
    if (!built) throw new DomainError('not_found', 'TRACE_BUNDLE_NOT_IN_LOG', `Bundle ${bundleId} has no bundle.built event in the audit log`, 'file');
    const detail = (built.detail ?? {}) as Record<string, unknown>;
    await this.dataSource.transaction((tx) =>
      this.audit.record(tx, actor, { action: 'audit.leak_traced', subjectType: 'bundle', subjectId: bundleId, networkId: built.networkId, detail: { foundIn } }),
    );
    return {
      bundleId,
      foundIn,
      editionId: text(detail.editionId),
      recipientMemberId: text(detail.memberId),
      builtAt: built.at,
      networkId: built.networkId,
      downloads: events
        .filter((e) => e.action === 'bundle.downloaded')
        .map((e) => ({ seq: e.seq, at: e.at, file: text((e.detail as Record<string, unknown> | null)?.file) })),
      events: events.map((e) => ({ seq: e.seq, at: e.at, action: e.action })),
    };
  }
}
