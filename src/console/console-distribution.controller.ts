import { Controller, Get, Inject, Param, Post, Req, Res, UseFilters, UseGuards } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import type { Logger } from 'pino';
import { AppConfig } from '../config/app-config.js';
import { formText } from '../common/web/locale.js';
import { Public } from '../common/auth.decorators.js';
import { DomainError } from '../common/domain-error.js';
import { LOGGER } from '../common/logger.module.js';
import { UuidPipe } from '../common/uuid.pipe.js';
import { BundleWorker } from '../distribution/bundle-worker.js';
import { ApproveEdition } from '../editions/approve-edition.js';
import { CorrectEdition } from '../editions/correct-edition.js';
import { EditionQueries } from '../editions/edition-queries.js';
import { PublishEdition } from '../editions/publish-edition.js';
import { DataRequestsQueueService } from '../gdpr/data-requests-queue.service.js';
import { ListsService } from '../lists/lists.service.js';
import { MembersService } from '../members/members.service.js';
import { NetworksService } from '../networks/networks.service.js';
import { NoticesService } from '../notices/notices.service.js';
import { ConsoleExceptionFilter } from './console-exception.filter.js';
import { consoleContext, sendPage, type ConsoleRequest } from './console-context.js';
import { StaffSessionGuard } from './staff-session.guard.js';
import { publishConfirmPage } from './views/console-confirm-pages.js';
import { editionPage, listPage, listsPage, type EditionView, type ListView } from './views/console-distribution-pages.js';

const staff = (req: ConsoleRequest) => req.staff!;

/** Lists, the next edition's preview, publishing, four-eyes approval, progress and delivery. */
@ApiExcludeController()
@Public()
@UseGuards(StaffSessionGuard)
@UseFilters(ConsoleExceptionFilter)
@Controller('console')
export class ConsoleDistributionController {
  constructor(
    private readonly networks: NetworksService,
    private readonly lists: ListsService,
    private readonly editions: EditionQueries,
    private readonly publishing: PublishEdition,
    private readonly approval: ApproveEdition,
    private readonly corrections: CorrectEdition,
    private readonly members: MembersService,
    private readonly notices: NoticesService,
    private readonly distribution: BundleWorker,
    private readonly erasureQueue: DataRequestsQueueService,
    private readonly config: AppConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  @Get('netvaerk/:networkId/lister')
  async listsOfNetwork(@Param('networkId', UuidPipe) networkId: string, @Req() req: ConsoleRequest, @Res() res: Response) {
    const network = await this.networks.reachable(staff(req), networkId);
    sendPage(res, listsPage(consoleContext(req, res, this.config.orgName), network, await this.lists.listOfNetwork(staff(req), networkId)));
  }

  @Get('lister/:listId')
  async list(@Param('listId', UuidPipe) listId: string, @Req() req: ConsoleRequest, @Res() res: Response) {
    const ctx = consoleContext(req, res, this.config.orgName);
    const flash = req.query.done === 'saved' ? ctx.t.listSaved : undefined;
    sendPage(res, listPage(ctx, await this.listView(req, listId), this.config.timeZone, { flash }));
  }

  /** The step before publishing: what changed, how many notices go out, and who on the list asked to be erased. */
  @Get('lister/:listId/udsend')
  async confirmPublish(@Param('listId', UuidPipe) listId: string, @Req() req: ConsoleRequest, @Res() res: Response) {
    const view = await this.listView(req, listId);
    const listed = new Set(view.preview.memberIds);
    const open = (await this.erasureQueue.list(staff(req), 'open')).items.filter((r) => listed.has(r.memberId));
    const asked = open.map((r) => ({ id: r.memberId, name: r.memberName }));
    sendPage(res, publishConfirmPage(consoleContext(req, res, this.config.orgName), view, asked));
  }

  /**
   * Publish now: the edition is created at once; the page then follows its bundles being built. With
   * nothing changed since the last edition the page asks first, and its second button posts `force`.
   */
  @Post('lister/:listId/udsend')
  async publish(@Param('listId', UuidPipe) listId: string, @Req() req: ConsoleRequest, @Res() res: Response) {
    try {
      const { edition } = await this.publishing.publish(staff(req), listId, { force: formText(req.body?.force) === '1' });
      this.buildInBackground(edition.id);
      res.redirect(303, `/console/udgaver/${edition.id}`);
    } catch (error) {
      if (!(error instanceof DomainError) || error.code !== 'EDITION_UNCHANGED') throw error;
      const ctx = consoleContext(req, res, this.config.orgName);
      sendPage(res, listPage(ctx, await this.listView(req, listId), this.config.timeZone, { confirmUnchanged: true }), 409);
    }
  }

  @Get('udgaver/:editionId')
  async edition(@Param('editionId', UuidPipe) editionId: string, @Req() req: ConsoleRequest, @Res() res: Response) {
    sendPage(res, editionPage(consoleContext(req, res, this.config.orgName), await this.editionView(req, editionId), this.config.timeZone));
  }

  @Post('udgaver/:editionId/godkend')
  async approve(@Param('editionId', UuidPipe) editionId: string, @Req() req: ConsoleRequest, @Res() res: Response) {
    try {
      await this.approval.approve(staff(req), editionId);
      this.buildInBackground(editionId);
      res.redirect(303, `/console/udgaver/${editionId}`);
    } catch (error) {
      if (!(error instanceof DomainError) || error.code !== 'APPROVAL_NEEDS_SECOND_PERSON') throw error;
      const ctx = consoleContext(req, res, this.config.orgName);
      sendPage(res, editionPage(ctx, await this.editionView(req, editionId), this.config.timeZone, { errors: [{ field: 'main', message: ctx.t.fourEyes }] }), 403);
    }
  }

  /** One click: a corrected edition of the same list, and the old one's undelivered bundles revoked. */
  @Post('udgaver/:editionId/ret')
  async correct(@Param('editionId', UuidPipe) editionId: string, @Req() req: ConsoleRequest, @Res() res: Response) {
    const { corrected } = await this.corrections.correct(staff(req), editionId);
    this.buildInBackground(corrected.id);
    res.redirect(303, `/console/udgaver/${corrected.id}`);
  }

  private buildInBackground(editionId: string) {
    this.distribution.drain([editionId]).catch((e: unknown) => this.logger.error({ editionId, err: { type: (e as Error)?.name } }, 'building bundles from the console failed'));
  }

  private async listView(req: ConsoleRequest, listId: string): Promise<ListView> {
    const list = await this.lists.get(staff(req), listId);
    const preview = await this.publishing.preview(staff(req), listId);
    const changedIds = preview.diff.changed.map((c) => c.memberId);
    const names = await this.members.namesOf([...preview.diff.added, ...preview.diff.removed, ...changedIds]);
    const named = (ids: string[]) => ids.map((id) => names.get(id) ?? id);
    const editions = await this.editions.ofList(staff(req), listId);
    return {
      list: { id: list.id, title: list.title, schedule: list.schedule, timeZone: list.timeZone, requiresApproval: list.requiresApproval, networkId: list.networkId },
      preview: {
        rows: preview.rows.length,
        recipients: preview.recipientCount,
        added: named(preview.diff.added),
        removed: named(preview.diff.removed),
        changed: named(changedIds),
        hasPrevious: editions.some((e) => e.state !== 'awaiting_approval'),
        memberIds: preview.rows.map((r) => r.memberId),
      },
      editions: editions.map((e) => ({ id: e.id, state: e.state, createdAt: e.createdAt, rowCount: e.rowCount, recipientCount: e.recipientCount })),
    };
  }

  private async editionView(req: ConsoleRequest, editionId: string): Promise<EditionView> {
    const actor = staff(req);
    const edition = await this.editions.show(actor, editionId);
    const list = await this.lists.get(actor, edition.listId);
    const bundles = await this.editions.bundleStatus(actor, editionId);
    const names = await this.members.namesOf(bundles.map((b) => b.memberId));
    const delivery = await this.notices.deliveryOf(bundles.map((b) => b.bundleId));
    return {
      edition: { id: edition.id, listId: edition.listId, state: edition.state, createdAt: edition.createdAt, rowCount: edition.rowCount, recipientCount: edition.recipientCount, requestedById: edition.requestedById, correctionNeededSince: edition.correctionNeededSince },
      listTitle: list.title,
      progress: { ready: edition.progress?.ready ?? 0, total: edition.progress?.total ?? 0 },
      delivery: bundles.map((b) => ({
        name: names.get(b.memberId) ?? b.memberId,
        bundleState: b.state,
        lastError: b.lastError,
        notice: delivery.get(b.bundleId)?.state ?? null,
        downloadedAt: b.downloadedAt,
        expiresAt: b.expiresAt,
      })),
      canApprove: actor.role !== 'auditor' && edition.requestedById !== actor.id,
    };
  }
}
