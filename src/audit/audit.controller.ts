import { Controller, Get, Post, Query, Res, StreamableFile } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { Readable } from 'node:stream';
import type { Actor } from '../common/actor.js';
import { CurrentActor, Public, Roles } from '../common/auth.decorators.js';
import { AuditCheckpointsService } from './audit-checkpoints.service.js';
import { AuditExportService } from './audit-export.service.js';
import { AuditService } from './audit.service.js';
import {
  AuditCheckpointDto,
  AuditCheckpointPageDto,
  AuditEventPageDto,
  AuditExportQueryDto,
  AuditPageQueryDto,
  AuditPublicKeyDto,
  AuditQueryDto,
  AuditVerifyDto,
} from './dto/audit.dto.js';

/** Admins and auditors read; only admins make a checkpoint. Auditors change nothing. */
@ApiTags('audit')
@ApiBearerAuth()
@Controller('api/v1/audit')
export class AuditController {
  constructor(
    private readonly audit: AuditService,
    private readonly checkpoints: AuditCheckpointsService,
    private readonly exports: AuditExportService,
  ) {}

  @Get('events')
  @Roles('admin', 'auditor')
  @ApiOkResponse({ type: AuditEventPageDto, description: 'in sequence order' })
  events(@Query() query: AuditQueryDto) {
    const { page, pageSize, limit, ...filter } = query;
    return this.audit.search(filter, page ?? 1, pageSize ?? limit ?? 100);
  }

  @Get('export')
  @Roles('admin', 'auditor')
  @ApiProduces('application/x-ndjson', 'text/csv')
  @ApiOkResponse({ description: 'the log as JSONL (a header line, events, checkpoints) or CSV, streamed' })
  async export(@CurrentActor() actor: Actor, @Query() query: AuditExportQueryDto, @Res({ passthrough: true }) res: Response) {
    const { format, ...filter } = query;
    const opened = await this.exports.open(actor, format, filter);
    const stamp = opened.header.exportedAt.slice(0, 19).replace(/:/g, '');
    res.setHeader('Cache-Control', 'no-store');
    return new StreamableFile(Readable.from(opened.chunks), {
      type: format === 'jsonl' ? 'application/x-ndjson; charset=utf-8' : 'text/csv; charset=utf-8',
      disposition: `attachment; filename="audit-log-${stamp}.${format}"`,
    });
  }

  @Get('verify')
  @Roles('admin', 'auditor')
  @ApiOkResponse({ type: AuditVerifyDto })
  verify() {
    return this.audit.verify();
  }

  @Get('checkpoints')
  @Roles('admin', 'auditor')
  @ApiOkResponse({ type: AuditCheckpointPageDto })
  listCheckpoints(@Query() query: AuditPageQueryDto) {
    return this.checkpoints.list(query.page ?? 1, query.pageSize ?? 100);
  }

  @Post('checkpoints')
  @Roles('admin')
  @ApiCreatedResponse({ type: AuditCheckpointDto, description: 'signs the head of the log now' })
  createCheckpoint(@CurrentActor() actor: Actor) {
    return this.checkpoints.create(actor);
  }

  /** Public: anyone may check a signature; the key to trust should still come by a second channel. */
  @Get('public-key')
  @Public()
  @ApiOkResponse({ type: AuditPublicKeyDto })
  publicKey() {
    return this.checkpoints.publicKey();
  }
}
