import { Controller, Get, Param, Post, Req, Res, UseFilters, UseGuards } from '@nestjs/common';
import { formText } from '../common/web/locale.js';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { AppConfig } from '../config/app-config.js';
import { Public } from '../common/auth.decorators.js';
import { DomainError, forbidden } from '../common/domain-error.js';
import { UuidPipe } from '../common/uuid.pipe.js';
import type { ConsentChannel } from '../consent/consent.entity.js';
import { EditionQueries } from '../editions/edition-queries.js';
import { DataRequestsQueueService } from '../gdpr/data-requests-queue.service.js';
import { ErasureService } from '../gdpr/erasure.service.js';
import { MembersService } from '../members/members.service.js';
import { ConsoleExceptionFilter } from './console-exception.filter.js';
import { consoleContext, sendPage, type ConsoleRequest } from './console-context.js';
import { StaffSessionGuard } from './staff-session.guard.js';
import { confirmErasurePage } from './views/console-confirm-pages.js';
import { eraseMemberPage, erasurePage, type ErasureQueueView } from './views/console-gdpr-pages.js';

const staff = (req: ConsoleRequest) => req.staff!;
const CHANNELS: readonly string[] = ['portal', 'phone', 'paper', 'email'];

/** Erasure (art. 17): the queue of members' requests, erasure by hand, and editions to correct (art. 19). */
@ApiExcludeController()
@Public()
@UseGuards(StaffSessionGuard)
@UseFilters(ConsoleExceptionFilter)
@Controller('console')
export class ConsoleGdprController {
  constructor(
    private readonly erasure: ErasureService,
    private readonly queue: DataRequestsQueueService,
    private readonly editions: EditionQueries,
    private readonly members: MembersService,
    private readonly config: AppConfig,
  ) {}

  @Get('sletning')
  async queuePage(@Req() req: ConsoleRequest, @Res() res: Response) {
    this.assertWriter(req);
    const ctx = consoleContext(req, res, this.config.orgName);
    sendPage(res, erasurePage(ctx, await this.view(req), this.config.timeZone, { flash: req.query.done === 'erased' ? ctx.t.erasureDone : undefined }));
  }

  /** The step before erasing from the queue: it cannot be undone, so the page says what happens. */
  @Get('sletning/:memberId')
  async confirmFromQueue(@Param('memberId', UuidPipe) memberId: string, @Req() req: ConsoleRequest, @Res() res: Response) {
    this.assertWriter(req);
    const member = await this.members.get(staff(req), memberId);
    if (member.erasedAt) return res.redirect(303, `/console/medlemmer/${memberId}`);
    sendPage(res, confirmErasurePage(consoleContext(req, res, this.config.orgName), member));
  }

  /** From the confirmation page: the member asked in the portal, so the channel is the portal. */
  @Post('sletning/:memberId')
  async eraseFromQueue(@Param('memberId', UuidPipe) memberId: string, @Req() req: ConsoleRequest, @Res() res: Response) {
    await this.erasure.erase(staff(req), memberId);
    res.redirect(303, '/console/sletning?done=erased');
  }

  @Get('medlemmer/:memberId/sletning')
  async confirmPage(@Param('memberId', UuidPipe) memberId: string, @Req() req: ConsoleRequest, @Res() res: Response) {
    this.assertWriter(req);
    const member = await this.members.get(staff(req), memberId);
    if (member.erasedAt) return res.redirect(303, `/console/medlemmer/${memberId}`);
    sendPage(res, eraseMemberPage(consoleContext(req, res, this.config.orgName), member, { requested: await this.requested(req, memberId) }));
  }

  @Post('medlemmer/:memberId/sletning')
  async eraseByHand(@Param('memberId', UuidPipe) memberId: string, @Req() req: ConsoleRequest, @Res() res: Response) {
    const channel = formText(req.body?.channel);
    try {
      if (!CHANNELS.includes(channel)) throw new DomainError('invalid', 'INVALID_CHANNEL', 'channel must be portal, phone, paper or email', 'channel');
      await this.erasure.erase(staff(req), memberId, { channel: channel as ConsentChannel });
      res.redirect(303, `/console/medlemmer/${memberId}?done=erased`);
    } catch (error) {
      if (!(error instanceof DomainError) || error.kind !== 'invalid') throw error;
      const member = await this.members.get(staff(req), memberId);
      const ctx = consoleContext(req, res, this.config.orgName);
      sendPage(res, eraseMemberPage(ctx, member, { requested: await this.requested(req, memberId), errors: [{ field: 'channel', message: ctx.t.eraseChannel }] }), 400);
    }
  }

  private async requested(req: ConsoleRequest, memberId: string): Promise<boolean> {
    return (await this.queue.list(staff(req), 'open')).items.some((r) => r.memberId === memberId);
  }

  private async view(req: ConsoleRequest): Promise<ErasureQueueView> {
    const [requests, flagged] = await Promise.all([this.queue.list(staff(req), 'open'), this.editions.flaggedForCorrection(staff(req))]);
    return {
      requests: requests.items.map((r) => ({ id: r.id, memberId: r.memberId, memberName: r.memberName, createdAt: r.createdAt })),
      flagged: flagged.map((e) => ({
        id: e.id,
        listTitle: e.listTitle,
        state: e.state,
        createdAt: new Date(e.createdAt).toISOString(),
        recipientCount: e.recipientCount,
        correctionNeededSince: new Date(e.correctionNeededSince).toISOString(),
      })),
    };
  }

  private assertWriter(req: ConsoleRequest) {
    if (staff(req).role === 'auditor') throw forbidden();
  }
}
