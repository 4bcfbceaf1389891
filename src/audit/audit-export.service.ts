import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { Actor } from '../common/actor.js';
import { Clock } from '../common/clock.js';
import { forbidden } from '../common/domain-error.js';
import { AuditCheckpointRepository } from './audit-checkpoint.repository.js';
import { AuditCheckpointsService } from './audit-checkpoints.service.js';
import { checkpointLine, csvHeaderRow, csvRow, eventLine, exportHeader, type ExportFilters, type ExportHeader } from './audit-export-format.js';
import { AuditSigningKey } from './audit-signing-key.js';
import { AuditRepository, type AuditFilter } from './audit.repository.js';
import { AuditService, toView } from './audit.service.js';

export type ExportFormat = 'jsonl' | 'csv';
export type ExportFilter = Pick<AuditFilter, 'from' | 'to' | 'networkId' | 'memberId' | 'action' | 'actorId'>;

export interface OpenedExport {
  format: ExportFormat;
  header: ExportHeader;
  /** Chunks of whole lines; read once. */
  chunks: AsyncIterable<string>;
  /** Filled in while `chunks` is read. */
  written: { events: number; checkpoints: number };
}

const BATCH = 1000;

/** Admins and auditors read the log; only they export it. */
const mayRead = (actor: Actor) => actor.type === 'cli' || actor.type === 'system' || (actor.type === 'staff' && (actor.role === 'admin' || actor.role === 'auditor'));

/**
 * Streams the log as JSONL (verifiable when unfiltered) or CSV, in bounded batches up to the head
 * the export began at. The export itself is an audit event, the last one it contains.
 */
@Injectable()
export class AuditExportService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly repository: AuditRepository,
    private readonly checkpoints: AuditCheckpointRepository,
    private readonly key: AuditSigningKey,
    private readonly audit: AuditService,
    private readonly signer: AuditCheckpointsService,
    private readonly clock: Clock,
  ) {}

  async open(actor: Actor, format: ExportFormat, filter: ExportFilter): Promise<OpenedExport> {
    if (!mayRead(actor)) throw forbidden();
    const filters: ExportFilters = {
      from: filter.from?.toISOString(),
      to: filter.to?.toISOString(),
      networkId: filter.networkId,
      memberId: filter.memberId,
      action: filter.action,
      actorId: filter.actorId,
    };
    for (const k of Object.keys(filters) as (keyof ExportFilters)[]) if (filters[k] === undefined) delete filters[k];
    const publicKey = this.key.publicKey();
    const event = { action: 'audit.exported', subjectType: 'audit_log', detail: { format, filters: { ...filters } } };
    // Only an unfiltered JSONL export can be verified offline; it must carry a checkpoint of its own head.
    const verifiable = format === 'jsonl' && Object.keys(filters).length === 0;
    await this.dataSource.transaction((tx) =>
      verifiable ? this.signer.recordAndSignHead(tx, actor, event) : this.audit.record(tx, actor, event),
    );
    const toSeq = await this.repository.headSeq();
    const header = exportHeader(toSeq, filters, publicKey, this.clock.now());
    const written = { events: 0, checkpoints: 0 };
    return { format, header, written, chunks: this.chunks(format, header, filter, written) };
  }

  private async *chunks(format: ExportFormat, header: ExportHeader, filter: ExportFilter, written: OpenedExport['written']): AsyncGenerator<string> {
    yield format === 'jsonl' ? `${JSON.stringify(header)}\n` : csvHeaderRow();
    const withCheckpoints = format === 'jsonl' && !header.filtered;
    let after = 0;
    for (;;) {
      const batch = (await this.repository.batch(filter, after, header.toSeq, BATCH)).map(toView);
      if (batch.length === 0) return;
      const last = batch[batch.length - 1].seq;
      const checkpoints = withCheckpoints ? await this.checkpoints.covering(after, last) : [];
      let chunk = '';
      let c = 0;
      for (const event of batch) {
        if (format === 'csv') {
          chunk += csvRow(event);
        } else {
          chunk += `${eventLine(event)}\n`;
          for (; c < checkpoints.length && checkpoints[c].seq === event.seq; c++) chunk += `${checkpointLine(checkpoints[c])}\n`;
        }
      }
      written.events += batch.length;
      written.checkpoints += c;
      after = last;
      yield chunk;
    }
  }
}
