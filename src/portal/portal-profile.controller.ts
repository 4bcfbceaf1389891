import { Controller, Get, Post, Req, Res, UseFilters, UseGuards } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { Public } from '../common/auth.decorators.js';
import { formText } from '../common/web/locale.js';
import { AppConfig } from '../config/app-config.js';
import { MemberAuthService, type MemberSession } from '../member-accounts/member-auth.service.js';
import { memberFieldErrors } from './form-errors.js';
import { MemberSessionGuard } from './member-session.guard.js';
import { MyDataService, type ContactField } from './my-data.service.js';
import { pageContext, sendPage, type PortalRequest } from './portal-context.js';
import { PortalExceptionFilter } from './portal-exception.filter.js';
import { contactPage, erasureConfirmPage, welcomePage, type ContactValues } from './views/account-pages.js';

const session = (req: PortalRequest): MemberSession => req.memberSession!;
const CONTACT_FIELDS: ContactField[] = ['name', 'phone', 'address', 'postal_code', 'city', 'about_me'];

/** The member's first step after activation, their own contact details, and the erasure confirmation. */
@ApiExcludeController()
@Public()
@UseGuards(MemberSessionGuard)
@UseFilters(PortalExceptionFilter)
@Controller('portal')
export class PortalProfileController {
  constructor(
    private readonly myData: MyDataService,
    private readonly auth: MemberAuthService,
    private readonly config: AppConfig,
  ) {}

  private async ctx(req: PortalRequest, res: Response) {
    const ctx = pageContext(req, res, this.config.orgName);
    // As on the other member pages: a language chosen while logged in is also the member's mail language.
    if (typeof req.query.lang === 'string') await this.auth.setLocale(session(req), ctx.locale);
    return ctx;
  }

  @Get('velkommen')
  async welcome(@Req() req: PortalRequest, @Res() res: Response) {
    sendPage(res, welcomePage(await this.ctx(req, res)));
  }

  @Get('kontaktoplysninger')
  async contactForm(@Req() req: PortalRequest, @Res() res: Response) {
    const ctx = await this.ctx(req, res);
    const v = await this.myData.fieldValues(session(req).memberId);
    const values: ContactValues = {
      email: v.email ?? '',
      name: v.name ?? '',
      phone: v.phone ?? '',
      address: v.address ?? '',
      postal_code: v.postal_code ?? '',
      city: v.city ?? '',
      about_me: v.about_me ?? '',
    };
    sendPage(res, contactPage(ctx, values, { flash: req.query.done === 'contact' ? ctx.t.contactSaved : undefined }));
  }

  @Post('kontaktoplysninger')
  async correctContact(@Req() req: PortalRequest, @Res() res: Response) {
    const input = Object.fromEntries(CONTACT_FIELDS.map((f) => [f, formText(req.body?.[f])])) as Record<ContactField, string>;
    try {
      await this.myData.correctContact(session(req).memberId, input);
      res.redirect(303, '/portal/kontaktoplysninger?done=contact');
    } catch (error) {
      const ctx = pageContext(req, res, this.config.orgName);
      const errors = memberFieldErrors(error, ctx.locale);
      if (!errors) throw error;
      // What was typed stays in the form, so one mistake does not cost the other corrections.
      const { email } = await this.myData.fieldValues(session(req).memberId);
      sendPage(res, contactPage(ctx, { ...input, email: email ?? '' }, { errors }), 400);
    }
  }

  /** GET only explains and asks; the POST (with its CSRF token) in PortalController files the request. */
  @Get('mine-data/sletning')
  async erasureConfirm(@Req() req: PortalRequest, @Res() res: Response) {
    if (await this.myData.erasureOpen(session(req).memberId)) return res.redirect(303, '/portal/mine-data');
    sendPage(res, erasureConfirmPage(await this.ctx(req, res)));
  }
}
