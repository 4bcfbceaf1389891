import { Controller, Get, Param, Post, Req, Res, UseFilters, UseGuards } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { MemberDownload } from '../bundles/member-download.js';
import { AppConfig } from '../config/app-config.js';
import { Public } from '../common/auth.decorators.js';
import { clearSessionCookie } from '../common/web/cookies.js';
import { DomainError, notFound } from '../common/domain-error.js';
import { entryBytes, readZip } from '../common/zip/zip-reader.js';
import { UuidPipe } from '../common/uuid.pipe.js';
import { MemberAuthService, type MemberSession } from '../member-accounts/member-auth.service.js';
import { MemberTotpService } from '../member-accounts/member-totp.service.js';
import { formErrors } from './form-errors.js';
import { MemberSessionGuard } from './member-session.guard.js';
import { MyDataService } from './my-data.service.js';
import { MEMBER_COOKIE, pageContext, sendPage, type PortalRequest } from './portal-context.js';
import { PortalExceptionFilter } from './portal-exception.filter.js';
import { changePasswordPage, consentPage, messagesPage, myDataPage, recipientsPage, totpPage } from './views/member-pages.js';
import type { PortalTexts } from './views/portal-texts.js';
import type { FieldError, PageContext } from './views/layout.js';
import type { MemberField } from '../members/member-fields.js';
import { qrSvg } from '../common/web/qr-svg.js';

const DOWNLOADS = {
  zip: { type: 'application/zip', extension: 'zip', entry: null },
  age: { type: 'application/octet-stream', extension: 'zip.age', entry: null },
  xlsx: { type: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', extension: 'xlsx', entry: 'contact-list.xlsx' },
  pdf: { type: 'application/pdf', extension: 'pdf', entry: 'contact-list.pdf' },
} as const;

const DONE: Record<string, (t: PortalTexts) => string> = {
  activated: (t) => t.activated,
  reset: (t) => t.resetDone,
  consent: (t) => t.consentSaved,
  password: (t) => t.passwordChanged,
  erasure: (t) => t.erasureOpen,
  'totp-on': (t) => t.totpEnabled,
  'totp-off': (t) => t.totpDisabled,
};

const flash = (req: PortalRequest, t: PortalTexts) => {
  const key = typeof req.query.done === 'string' ? req.query.done : '';
  return DONE[key]?.(t);
};

const session = (req: PortalRequest): MemberSession => req.memberSession!;

/** The member's own pages. Every id in a URL is checked against the session's member. */
@ApiExcludeController()
@Public()
@UseGuards(MemberSessionGuard)
@UseFilters(PortalExceptionFilter)
@Controller('portal')
export class PortalController {
  constructor(
    private readonly myData: MyDataService,
    private readonly bundles: MemberDownload,
    private readonly auth: MemberAuthService,
    private readonly totp: MemberTotpService,
    private readonly config: AppConfig,
  ) {}

  private async ctx(req: PortalRequest, res: Response) {
    const ctx = pageContext(req, res, this.config.orgName);
    // A language chosen while logged in also becomes the language of the member's e-mails.
    if (typeof req.query.lang === 'string') await this.auth.setLocale(session(req), ctx.locale);
    return ctx;
  }

  @Get()
  async messages(@Req() req: PortalRequest, @Res() res: Response) {
    const ctx = await this.ctx(req, res);
    sendPage(res, messagesPage(ctx, await this.myData.messages(session(req).memberId), flash(req, ctx.t)));
  }

  /** Decrypted in the request with the identity from the session; nothing is written to disk. */
  @Get('beskeder/:bundleId/:file')
  async download(@Param('bundleId', UuidPipe) bundleId: string, @Param('file') file: string, @Req() req: PortalRequest, @Res() res: Response) {
    if (!Object.hasOwn(DOWNLOADS, file)) throw notFound('DOWNLOAD_NOT_FOUND', 'The file');
    const kind = file as keyof typeof DOWNLOADS;
    const s = session(req);
    const { data, bundle } = await this.bundles.download(s.memberId, bundleId, kind, kind === 'age' ? undefined : s.identity());
    const spec = DOWNLOADS[kind];
    let body = data;
    if (spec.entry) {
      const entry = readZip(data).find((e) => e.name === spec.entry);
      if (!entry) throw notFound('DOWNLOAD_NOT_FOUND', 'The file');
      body = entryBytes(entry);
    }
    const date = bundle.createdAt.toISOString().slice(0, 10);
    res.setHeader('Content-Type', spec.type);
    res.setHeader('Content-Disposition', `attachment; filename="kontaktliste-${date}.${spec.extension}"`);
    res.setHeader('Cache-Control', 'no-store');
    res.setHeader('Content-Length', String(body.length));
    res.end(body);
  }

  @Get('samtykke')
  async consentForm(@Req() req: PortalRequest, @Res() res: Response) {
    const ctx = await this.ctx(req, res);
    const memberId = session(req).memberId;
    const [sections, values] = await Promise.all([this.myData.consentSections(memberId), this.myData.fieldValues(memberId)]);
    sendPage(res, consentPage(ctx, sections, values, this.config.timeZone, { flash: flash(req, ctx.t) }));
  }

  @Post('samtykke')
  async setConsent(@Req() req: PortalRequest, @Res() res: Response) {
    const networkId = new UuidPipe().transform(String(req.body?.networkId ?? ''), { type: 'body', data: 'networkId' });
    const raw = req.body?.fields as unknown;
    const fields = (Array.isArray(raw) ? raw : raw === undefined ? [] : [raw]).map(String);
    const memberId = session(req).memberId;
    try {
      await this.myData.setConsent(memberId, networkId, fields);
    } catch (error) {
      if (!(error instanceof DomainError) || error.problems[0]?.code !== 'CONSENT_FIELD_EMPTY') throw error;
      const ctx = await this.ctx(req, res);
      const label = (field?: string) => ctx.t.fields[field as MemberField].toLowerCase();
      const errors = error.problems.map((p) => ({ field: 'fields', message: ctx.t.consentFieldEmpty.replace('{field}', label(p.field)) }));
      const [sections, values] = await Promise.all([this.myData.consentSections(memberId), this.myData.fieldValues(memberId)]);
      return sendPage(res, consentPage(ctx, sections, values, this.config.timeZone, { errors }), 400);
    }
    res.redirect(303, '/portal/samtykke?done=consent');
  }

  @Get('modtagere')
  async ledger(@Req() req: PortalRequest, @Res() res: Response) {
    const ctx = await this.ctx(req, res);
    sendPage(res, recipientsPage(ctx, await this.myData.ledger(session(req).memberId), this.config.timeZone));
  }

  @Get('mine-data')
  async myDataForm(@Req() req: PortalRequest, @Res() res: Response) {
    const ctx = await this.ctx(req, res);
    sendPage(res, myDataPage(ctx, { erasureOpen: await this.myData.erasureOpen(session(req).memberId), flash: flash(req, ctx.t) }));
  }

  @Get('mine-data/eksport')
  async export(@Req() req: PortalRequest, @Res() res: Response) {
    const data = await this.myData.export(session(req).memberId);
    res.setHeader('Content-Type', 'application/json; charset=utf-8');
    res.setHeader('Content-Disposition', 'attachment; filename="mine-data.json"');
    res.setHeader('Cache-Control', 'no-store');
    res.send(JSON.stringify(data, null, 2));
  }

  /** The same export as a readable PDF (art. 15), in the language of the page. */
  @Get('mine-data/eksport.pdf')
  async exportPdf(@Req() req: PortalRequest, @Res() res: Response) {
    const ctx = pageContext(req, res, this.config.orgName);
    const pdf = await this.myData.exportPdf(session(req).memberId, ctx.locale);
    res.setHeader('Content-Type', 'application/pdf');
    res.setHeader('Content-Disposition', `attachment; filename="${ctx.locale === 'en' ? 'my-data' : 'mine-data'}.pdf"`);
    res.setHeader('Cache-Control', 'no-store');
    res.setHeader('Content-Length', String(pdf.length));
    res.end(pdf);
  }

  @Post('mine-data/sletning')
  async requestErasure(@Req() req: PortalRequest, @Res() res: Response) {
    await this.myData.requestErasure(session(req).memberId);
    res.redirect(303, '/portal/mine-data?done=erasure');
  }

  @Get('adgangskode')
  async passwordForm(@Req() req: PortalRequest, @Res() res: Response) {
    const ctx = await this.ctx(req, res);
    sendPage(res, changePasswordPage(ctx, { flash: flash(req, ctx.t) }));
  }

  @Post('adgangskode')
  async changePassword(@Req() req: PortalRequest, @Res() res: Response) {
    const ctx = await this.ctx(req, res);
    const next = String(req.body?.newPassword ?? '');
    if (next !== String(req.body?.passwordRepeat ?? '')) {
      return sendPage(res, changePasswordPage(ctx, { errors: [{ field: 'passwordRepeat', message: ctx.t.passwordsDiffer }] }), 400);
    }
    try {
      await this.auth.changePassword(session(req), String(req.body?.currentPassword ?? ''), next);
      res.redirect(303, '/portal/adgangskode?done=password');
    } catch (error) {
      const errors = formErrors(error, ctx.locale);
      if (!errors) throw error;
      sendPage(res, changePasswordPage(ctx, { errors }), 400);
    }
  }

  @Get('to-trin')
  async totpForm(@Req() req: PortalRequest, @Res() res: Response) {
    const ctx = await this.ctx(req, res);
    sendPage(res, await this.totpView(req, ctx, { flash: flash(req, ctx.t) }));
  }

  @Post('to-trin/start')
  async totpStart(@Req() req: PortalRequest, @Res() res: Response) {
    try {
      await this.totp.start(session(req), String(req.body?.code ?? ''));
      res.redirect(303, '/portal/to-trin');
    } catch (error) {
      const ctx = await this.ctx(req, res);
      const errors = formErrors(error, ctx.locale);
      if (!errors) throw error;
      sendPage(res, await this.totpView(req, ctx, { errors }), 400);
    }
  }

  @Post('to-trin/bekraeft')
  async totpConfirm(@Req() req: PortalRequest, @Res() res: Response) {
    await this.totpStep(req, res, () => this.totp.confirm(session(req), String(req.body?.code ?? '')), 'totp-on');
  }

  @Post('to-trin/sluk')
  async totpDisable(@Req() req: PortalRequest, @Res() res: Response) {
    await this.totpStep(req, res, () => this.totp.disable(session(req), String(req.body?.code ?? '')), 'totp-off');
  }

  private async totpStep(req: PortalRequest, res: Response, step: () => Promise<void>, done: string) {
    try {
      await step();
      res.redirect(303, `/portal/to-trin?done=${done}`);
    } catch (error) {
      // A second submit of the same form (already on, or already off): show the page as it is now.
      if (error instanceof DomainError && error.code === 'TOTP_NOT_STARTED') return res.redirect(303, '/portal/to-trin');
      const ctx = await this.ctx(req, res);
      const errors = formErrors(error, ctx.locale);
      if (!errors) throw error;
      sendPage(res, await this.totpView(req, ctx, { errors }), 400);
    }
  }

  /** The two-step page; while setting up, with the key as a QR code made here (no script, no image request). */
  private async totpView(req: PortalRequest, ctx: PageContext, o: { flash?: string; errors?: FieldError[] }) {
    const status = await this.totp.status(session(req).memberId);
    const qr = status.state === 'pending' ? await qrSvg(status.uri, ctx.t.totpQrLabel) : undefined;
    return totpPage(ctx, status, { ...o, qr });
  }

  @Post('logout')
  async logout(@Req() req: PortalRequest, @Res() res: Response) {
    await this.auth.logout(session(req));
    clearSessionCookie(res, MEMBER_COOKIE, this.config.secureCookies);
    res.redirect(303, '/portal/login?done=logout');
  }
}

