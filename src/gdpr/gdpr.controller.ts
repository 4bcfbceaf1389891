import { Body, Controller, Get, HttpCode, Param, Post, Query, Res, StreamableFile } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import type { Actor } from '../common/actor.js';
import { CurrentActor, Roles } from '../common/auth.decorators.js';
import { UuidPipe } from '../common/uuid.pipe.js';
import {
  DataRequestPageDto,
  DataRequestQuery,
  ErasureRequestDto,
  ErasureResultDto,
  ObjectionRequestDto,
  ObjectionResultDto,
  ProcessingReportDto,
  ProcessingReportQuery,
} from './dto/gdpr.dto.js';
import { DataRequestsQueueService } from './data-requests-queue.service.js';
import { ErasureService } from './erasure.service.js';
import { MemberExportService } from './member-export.service.js';
import { ProcessingReportService } from './processing-report.service.js';

/** The GDPR rights staff carry out: access (art. 15), erasure (art. 17), objection (art. 21), and the art. 30 report. */
@ApiTags('gdpr')
@ApiBearerAuth()
@Controller('api/v1')
export class GdprController {
  constructor(
    private readonly erasure: ErasureService,
    private readonly exports: MemberExportService,
    private readonly queue: DataRequestsQueueService,
    private readonly reports: ProcessingReportService,
  ) {}

  @Post('members/:memberId/erasure')
  @Roles('admin', 'coordinator')
  @HttpCode(200)
  @ApiOkResponse({ type: ErasureResultDto, description: 'erases the member in one transaction; again on an erased member changes nothing but leftovers' })
  erase(@CurrentActor() actor: Actor, @Param('memberId', UuidPipe) memberId: string, @Body() body: ErasureRequestDto) {
    return this.erasure.erase(actor, memberId, body);
  }

  @Post('members/:memberId/objection')
  @Roles('admin', 'coordinator')
  @HttpCode(200)
  @ApiOkResponse({ type: ObjectionResultDto, description: 'objection (art. 21): consent withdrawn in every network of the member' })
  object(@CurrentActor() actor: Actor, @Param('memberId', UuidPipe) memberId: string, @Body() body: ObjectionRequestDto) {
    return this.erasure.object(actor, memberId, body);
  }

  @Get('members/:memberId/export')
  @Roles('admin', 'coordinator')
  @ApiOkResponse({ description: "the member's art. 15 export (coordinators: the networks they coordinate only)" })
  export(@CurrentActor() actor: Actor, @Param('memberId', UuidPipe) memberId: string) {
    return this.exports.forStaff(actor, memberId, 'json');
  }

  @Get('members/:memberId/export.pdf')
  @Roles('admin', 'coordinator')
  @ApiProduces('application/pdf')
  @ApiOkResponse({ description: 'the same export as a readable PDF' })
  async exportPdf(
    @CurrentActor() actor: Actor,
    @Param('memberId', UuidPipe) memberId: string,
    @Query('lang') lang: string | undefined,
    @Res({ passthrough: true }) res: Response,
  ) {
    const data = await this.exports.forStaff(actor, memberId, 'pdf');
    const pdf = await this.exports.renderPdf(data, lang === 'en' ? 'en' : 'da');
    res.setHeader('Cache-Control', 'no-store');
    return new StreamableFile(pdf, { type: 'application/pdf', disposition: `attachment; filename="member-data-${memberId}.pdf"`, length: pdf.length });
  }

  @Get('data-requests')
  @Roles('admin', 'coordinator')
  @ApiOkResponse({ type: DataRequestPageDto, description: "members' erasure requests from the portal, oldest first (coordinators: members they reach)" })
  dataRequests(@CurrentActor() actor: Actor, @Query() query: DataRequestQuery) {
    return this.queue.list(actor, query.state ?? 'open');
  }

  @Get('reports/processing')
  @Roles('admin', 'auditor')
  @ApiOkResponse({ type: ProcessingReportDto, description: 'records of processing (art. 30): per network and month, editions, recipients, fields shared' })
  processing(@CurrentActor() actor: Actor, @Query() query: ProcessingReportQuery) {
    return this.reports.reportFor(actor, query.from, query.to);
  }
}
