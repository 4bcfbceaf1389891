import { Controller, Get, Param, Post, Req, Res, UploadedFile, UseFilters, UseGuards, UseInterceptors } from '@nestjs/common';
import { formText } from '../common/web/locale.js';
import { FileInterceptor } from '@nestjs/platform-express';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { AccessRequestsService } from '../access-requests/access-requests.service.js';
import { AppConfig } from '../config/app-config.js';
import { Public } from '../common/auth.decorators.js';
import { DomainError, forbidden } from '../common/domain-error.js';
import { UuidPipe } from '../common/uuid.pipe.js';
import { csrfValid } from '../common/web/csrf.js';
import { IMPORT_BODY_BYTES } from '../common/web/limits.js';
import { ConsentService } from '../consent/consent.service.js';
import { EditionQueries } from '../editions/edition-queries.js';
import { ActivationService } from '../member-accounts/activation.service.js';
import { MemberAuthService } from '../member-accounts/member-auth.service.js';
import type { MemberField } from '../members/member-fields.js';
import { MembersService } from '../members/members.service.js';
import { NetworksService } from '../networks/networks.service.js';
import { ConsoleExceptionFilter } from './console-exception.filter.js';
import { consoleContext, sendPage, type ConsoleRequest } from './console-context.js';
import { StaffSessionGuard } from './staff-session.guard.js';
import { consoleFormErrors, importProblems, problemText } from './views/console-errors.js';
import { rejectRequestPage } from './views/console-confirm-pages.js';
import { importPage, requestsPage } from './views/console-distribution-pages.js';
import { memberPage, membersPage, networksPage, type MemberDetail } from './views/console-pages.js';
import { fill } from './views/console-texts.js';

const list = (v: unknown): string[] => (Array.isArray(v) ? v.map(String) : v === undefined ? [] : [String(v)]);
const staff = (req: ConsoleRequest) => req.staff!;
/** The order the PDF uses (and the member search, through its ICU collation). */
const DANISH = new Intl.Collator('da');

/** Networks, members, consent by phone or paper, import, and the access-request queue. */
@ApiExcludeController()
@Public()
@UseGuards(StaffSessionGuard)
@UseFilters(ConsoleExceptionFilter)
@Controller('console')
export class ConsoleMembersController {
  constructor(
    private readonly networks: NetworksService,
    private readonly members: MembersService,
    private readonly consent: ConsentService,
    private readonly editions: EditionQueries,
    private readonly activation: ActivationService,
    private readonly memberAuth: MemberAuthService,
    private readonly accessRequests: AccessRequestsService,
    private readonly config: AppConfig,
  ) {}

  private ctx(req: ConsoleRequest, res: Response) {
    return consoleContext(req, res, this.config.orgName);
  }

  @Get()
  async home(@Req() req: ConsoleRequest, @Res() res: Response) {
    if (staff(req).role === 'auditor') return res.redirect(303, '/console/revision');
    const networks = (await this.networks.list(staff(req))).sort((a, b) => DANISH.compare(a.name, b.name));
    sendPage(res, networksPage(this.ctx(req, res), networks));
  }

  @Get('netvaerk/:networkId')
  async network(@Param('networkId', UuidPipe) networkId: string, @Req() req: ConsoleRequest, @Res() res: Response) {
    await this.membersPage(req, res, networkId, '', 1, formText(req.query.done));
  }

  /** Search and paging are posted: the search text can be a name, and names never go into URLs. */
  @Post('netvaerk/:networkId/soeg')
  async search(@Param('networkId', UuidPipe) networkId: string, @Req() req: ConsoleRequest, @Res() res: Response) {
    const page = Math.max(1, Number.parseInt(formText(req.body?.page), 10) || 1);
    await this.membersPage(req, res, networkId, formText(req.body?.q).trim().slice(0, 200), page, '');
  }

  private async membersPage(req: ConsoleRequest, res: Response, networkId: string, q: string, page: number, done: string) {
    const network = await this.networks.reachable(staff(req), networkId);
    const result = await this.members.search(staff(req), networkId, { q, page, pageSize: 25 });
    const ctx = this.ctx(req, res);
    // Consent and account per row: a page holds 25 members, so one look-up each is cheap enough.
    const items = await Promise.all(
      result.items.map(async (m) => ({
        ...m,
        consentFields: (await this.consent.current(staff(req), networkId, m.id)).fields,
        hasAccount: await this.memberAuth.hasAccount(m.id),
      })),
    );
    const flash = /^\d+$/.test(done) ? fill(ctx.t.imported, { n: done }) : undefined;
    sendPage(res, membersPage(ctx, { network, q, page, pageSize: 25, total: result.total, items }, flash));
  }

  @Get('medlemmer/:memberId')
  async member(@Param('memberId', UuidPipe) memberId: string, @Req() req: ConsoleRequest, @Res() res: Response) {
    const ctx = this.ctx(req, res);
    const done = formText(req.query.done);
    const flashes: Record<string, string> = {
      consent: ctx.t.consentSaved,
      activation: ctx.t.activationSent,
      erased: ctx.t.erasureDone,
      created: ctx.t.memberCreated,
      updated: ctx.t.memberUpdated,
    };
    const flash = flashes[done];
    sendPage(res, memberPage(ctx, await this.detail(req, memberId), this.config.timeZone, { flash }));
  }

  /** Consent given by phone, on paper or by e-mail; no field ticked records a withdrawal. */
  @Post('medlemmer/:memberId/samtykke')
  async recordConsent(@Param('memberId', UuidPipe) memberId: string, @Req() req: ConsoleRequest, @Res() res: Response) {
    const networkId = new UuidPipe().transform(formText(req.body?.networkId), { type: 'body', data: 'networkId' });
    const channel = formText(req.body?.channel) as 'phone' | 'paper' | 'email';
    const note = formText(req.body?.note).trim() || undefined;
    const fields = list(req.body?.fields) as MemberField[];
    try {
      if (!['phone', 'paper', 'email'].includes(channel)) throw new DomainError('invalid', 'INVALID_CHANNEL', 'channel must be phone, paper or email', 'channel');
      if (note && note.length > 500) throw new DomainError('invalid', 'INVALID_NOTE', 'note must be at most 500 characters', 'note');
      if (fields.length === 0) await this.consent.withdraw(staff(req), networkId, memberId, { channel, note });
      else await this.consent.record(staff(req), networkId, memberId, { fields, channel, note, consentTextVersion: Number(formText(req.body?.version)) });
      res.redirect(303, `/console/medlemmer/${memberId}?done=consent`);
    } catch (error) {
      if (!(error instanceof DomainError) || error.kind !== 'invalid') throw error;
      const ctx = this.ctx(req, res);
      const errors = consoleFormErrors(error, ctx.locale, 'fields');
      sendPage(res, memberPage(ctx, await this.detail(req, memberId), this.config.timeZone, { errors }), 400);
    }
  }

  @Post('medlemmer/:memberId/aktivering')
  async sendActivation(@Param('memberId', UuidPipe) memberId: string, @Req() req: ConsoleRequest, @Res() res: Response) {
    await this.activation.sendActivation(staff(req), memberId);
    res.redirect(303, `/console/medlemmer/${memberId}?done=activation`);
  }

  @Get('netvaerk/:networkId/import')
  async importForm(@Param('networkId', UuidPipe) networkId: string, @Req() req: ConsoleRequest, @Res() res: Response) {
    this.assertWriter(req);
    sendPage(res, importPage(this.ctx(req, res), await this.networks.reachable(staff(req), networkId)));
  }

  /** Step 1: check the whole file and list every bad row; nothing is written. */
  @Post('netvaerk/:networkId/import')
  @UseInterceptors(FileInterceptor('file', { limits: { fileSize: IMPORT_BODY_BYTES, files: 1, fields: 5 } }))
  async checkImport(@Param('networkId', UuidPipe) networkId: string, @UploadedFile() file: { buffer: Buffer; originalname: string } | undefined, @Req() req: ConsoleRequest, @Res() res: Response) {
    if (!csrfValid(this.config.sessionSecret ?? '', req)) throw forbidden();
    this.assertWriter(req);
    const network = await this.networks.reachable(staff(req), networkId);
    const ctx = this.ctx(req, res);
    if (!file || file.buffer.length === 0) {
      const errors = [{ field: 'file', message: problemText({ code: 'FILE_MISSING', field: 'file' }, ctx.locale) }];
      return sendPage(res, importPage(ctx, network, { errors }), 400);
    }
    await this.importStep(req, res, network, file.buffer, true);
  }

  /** Step 2: the checked file comes back from the page and is imported (checked again, all or nothing). */
  @Post('netvaerk/:networkId/import/gem')
  async saveImport(@Param('networkId', UuidPipe) networkId: string, @Req() req: ConsoleRequest, @Res() res: Response) {
    this.assertWriter(req);
    const network = await this.networks.reachable(staff(req), networkId);
    await this.importStep(req, res, network, Buffer.from(formText(req.body?.content), 'base64'), false);
  }

  private async importStep(req: ConsoleRequest, res: Response, network: { id: string; name: string }, bytes: Buffer, dryRun: boolean) {
    const ctx = this.ctx(req, res);
    try {
      const result = await this.members.importFile(staff(req), network.id, bytes, { dryRun });
      if (!dryRun) return res.redirect(303, `/console/netvaerk/${network.id}?done=${result.created}`);
      sendPage(res, importPage(ctx, network, { ready: { count: result.valid, content: bytes.toString('base64'), fileName: 'import' } }));
    } catch (error) {
      if (!(error instanceof DomainError) || error.kind !== 'invalid') throw error;
      sendPage(res, importPage(ctx, network, { problems: importProblems(error, ctx.locale) }), 400);
    }
  }

  @Get('anmodninger')
  async requests(@Req() req: ConsoleRequest, @Res() res: Response) {
    const ctx = this.ctx(req, res);
    const done = formText(req.query.done);
    const page = await this.accessRequests.list(staff(req), { state: 'pending', pageSize: 200 });
    const networks = await this.networks.list(staff(req));
    sendPage(res, requestsPage(ctx, page.items, networks, this.config.timeZone, done === 'approved' ? ctx.t.requestApproved : done === 'rejected' ? ctx.t.requestRejected : undefined));
  }

  @Post('anmodninger/:id/godkend')
  async approve(@Param('id', UuidPipe) id: string, @Req() req: ConsoleRequest, @Res() res: Response) {
    const networkId = new UuidPipe().transform(formText(req.body?.networkId), { type: 'body', data: 'networkId' });
    await this.accessRequests.approve(staff(req), id, { networkId });
    res.redirect(303, '/console/anmodninger?done=approved');
  }

  /** The step before rejecting: the person is told by mail, so the page says so. */
  @Get('anmodninger/:id/afvis')
  async confirmReject(@Param('id', UuidPipe) id: string, @Req() req: ConsoleRequest, @Res() res: Response) {
    sendPage(res, rejectRequestPage(this.ctx(req, res), await this.accessRequests.pending(staff(req), id)));
  }

  @Post('anmodninger/:id/afvis')
  async reject(@Param('id', UuidPipe) id: string, @Req() req: ConsoleRequest, @Res() res: Response) {
    await this.accessRequests.reject(staff(req), id);
    res.redirect(303, '/console/anmodninger?done=rejected');
  }

  private assertWriter(req: ConsoleRequest) {
    if (staff(req).role === 'auditor') throw forbidden();
  }

  private async detail(req: ConsoleRequest, memberId: string): Promise<MemberDetail> {
    const actor = staff(req);
    const member = await this.members.get(actor, memberId);
    const networks = await Promise.all(
      member.memberships.map(async (ms) => {
        const [network, history, texts, current] = await Promise.all([
          this.networks.reachable(actor, ms.networkId),
          this.consent.history(actor, ms.networkId, memberId),
          this.consent.listTexts(actor, ms.networkId),
          this.consent.current(actor, ms.networkId, memberId),
        ]);
        // Editions still out there although the member no longer wants (or may) be listed: offer a correction.
        const shouldNotBeListed = current.fields.length === 0 || ms.status !== 'active';
        const live = shouldNotBeListed ? await this.editions.liveEditionsListing(actor, ms.networkId, memberId) : [];
        return {
          id: network.id,
          name: network.name,
          status: ms.status,
          latestTextVersion: texts.reduce<number | null>((v, t) => (v === null || t.version > v ? t.version : v), null),
          history: history.map((h) => ({ recordedAt: h.recordedAt, kind: h.kind, fields: h.fields, channel: h.channel, note: h.note })),
          liveEditions: live.map((e) => ({ id: e.id, createdAt: e.createdAt, state: e.state })),
        };
      }),
    );
    return { member, networks, hasAccount: await this.memberAuth.hasAccount(memberId) };
  }
}

