import { Controller, Get, Inject, Param, Post, Req, Res, UseFilters } from '@nestjs/common';
import { formText } from '../common/web/locale.js';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import type { Logger } from 'pino';
import { AccessRequestsService } from '../access-requests/access-requests.service.js';
import { readCookie, setSessionCookie } from '../common/web/cookies.js';
import { AppConfig } from '../config/app-config.js';
import { Public } from '../common/auth.decorators.js';
import { DomainError } from '../common/domain-error.js';
import { LOGGER } from '../common/logger.module.js';
import { BundleWorker } from '../distribution/bundle-worker.js';
import { ActivationService } from '../member-accounts/activation.service.js';
import { MemberAuthService } from '../member-accounts/member-auth.service.js';
import { MemberTotpService } from '../member-accounts/member-totp.service.js';
import { PasswordResetRequestsService } from '../member-accounts/password-reset-requests.service.js';
import { isValidEmail } from '../common/email.js';
import { rotateCsrf } from '../common/web/csrf.js';
import { formErrors } from './form-errors.js';
import { safeReturnPath } from './return-path.js';
import { MEMBER_COOKIE, pageContext, sendPage, type PortalRequest } from './portal-context.js';
import { PortalExceptionFilter } from './portal-exception.filter.js';
import type { FieldError } from './views/layout.js';
import type { MailtoChannel } from './views/public-pages.js';
import { accessRequestPage, choosePasswordPage, codePage, forgotPasswordPage, loginPage, messagePage } from './views/public-pages.js';

const TOKEN = /^lb[ar]_[A-Za-z0-9_-]{43}$/;

const codePath = (next: string | undefined) => (next ? `/portal/kode?next=${encodeURIComponent(next)}` : '/portal/kode');

/** The pages a person sees before logging in: login, access request, activation, forgotten password. */
@ApiExcludeController()
@Public()
@UseFilters(PortalExceptionFilter)
@Controller('portal')
export class PortalPublicController {
  constructor(
    private readonly auth: MemberAuthService,
    private readonly totp: MemberTotpService,
    private readonly activation: ActivationService,
    private readonly resetRequests: PasswordResetRequestsService,
    private readonly accessRequests: AccessRequestsService,
    private readonly distribution: BundleWorker,
    private readonly config: AppConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  @Get('login')
  async loginForm(@Req() req: PortalRequest, @Res() res: Response) {
    const session = await this.currentSession(req);
    const next = safeReturnPath(req.query.next);
    if (session) return res.redirect(303, session.secondFactorPending ? codePath(next) : (next ?? '/portal'));
    const ctx = pageContext(req, res, this.config.orgName);
    const message = req.query.expired === '1' ? ctx.t.sessionExpired : req.query.done === 'logout' ? ctx.t.loggedOut : undefined;
    sendPage(res, loginPage(ctx, { next, message }));
  }

  @Post('login')
  async login(@Req() req: PortalRequest, @Res() res: Response) {
    const ctx = pageContext(req, res, this.config.orgName);
    const email = formText(req.body?.email);
    const next = safeReturnPath(req.body?.next);
    try {
      const { cookie, session } = await this.auth.login(email, formText(req.body?.password), req.ip ?? 'unknown');
      this.setMemberCookie(res, cookie);
      rotateCsrf(res, this.config.secureCookies, this.config.sessionSecret ?? '');
      res.redirect(303, session.secondFactorPending ? codePath(next) : (next ?? '/portal'));
    } catch (error) {
      if (!(error instanceof DomainError) || (error.code !== 'LOGIN_FAILED' && error.code !== 'LOGIN_THROTTLED')) throw error;
      const throttled = error.code === 'LOGIN_THROTTLED';
      const errors: FieldError[] = [{ field: 'email', message: throttled ? ctx.t.loginThrottled : ctx.t.loginFailed }];
      sendPage(res, loginPage(ctx, { email, errors, next }), throttled ? 429 : 401);
    }
  }

  /** Second step for members who turned on two-step login. */
  @Get('kode')
  async codeForm(@Req() req: PortalRequest, @Res() res: Response) {
    const session = await this.currentSession(req);
    if (!session) return res.redirect(303, '/portal/login');
    const next = safeReturnPath(req.query.next);
    if (!session.secondFactorPending) return res.redirect(303, next ?? '/portal');
    sendPage(res, codePage(pageContext(req, res, this.config.orgName), { next }));
  }

  @Post('kode')
  async code(@Req() req: PortalRequest, @Res() res: Response) {
    const session = await this.currentSession(req);
    if (!session) return res.redirect(303, '/portal/login');
    const ctx = pageContext(req, res, this.config.orgName);
    const next = safeReturnPath(req.body?.next);
    try {
      await this.totp.passSecondFactor(session, formText(req.body?.code), req.ip ?? 'unknown');
      res.redirect(303, next ?? '/portal');
    } catch (error) {
      if (error instanceof DomainError && error.code === 'LOGIN_THROTTLED') {
        return sendPage(res, codePage(ctx, { next, errors: [{ field: 'code', message: ctx.t.loginThrottled }] }), 429);
      }
      if (!(error instanceof DomainError) || error.code !== 'TOTP_CODE_WRONG') throw error;
      sendPage(res, codePage(ctx, { next, errors: [{ field: 'code', message: ctx.t.codeWrong }] }), 401);
    }
  }

  @Get('adgang')
  async accessRequestForm(@Req() req: PortalRequest, @Res() res: Response) {
    const ctx = pageContext(req, res, this.config.orgName);
    sendPage(res, accessRequestPage(ctx, { channels: await this.accessRequests.channels(), mailto: await this.mailto() }));
  }

  @Post('adgang')
  async accessRequest(@Req() req: PortalRequest, @Res() res: Response) {
    const ctx = pageContext(req, res, this.config.orgName);
    const values = { channel: formText(req.body?.channel), name: formText(req.body?.name), email: formText(req.body?.email) };
    try {
      await this.accessRequests.submit({ ...values, website: req.body?.website, locale: ctx.locale }, req.ip ?? 'unknown');
      sendPage(res, messagePage(ctx, ctx.t.requestDoneTitle, ctx.t.requestDone));
    } catch (error) {
      if (error instanceof DomainError && error.kind === 'too_many') return sendPage(res, messagePage(ctx, ctx.t.requestTitle, ctx.t.tooMany), 429);
      const errors = formErrors(error, ctx.locale);
      if (!errors) throw error;
      const channels = await this.accessRequests.channels();
      sendPage(res, accessRequestPage(ctx, { channels, mailto: await this.mailto(), values, errors }), 400);
    }
  }

  /** The channels with an address, each with its first subject phrase (the seed's exact wording). */
  private async mailto(): Promise<MailtoChannel[]> {
    return (await this.accessRequests.mailChannels()).flatMap((c) =>
      c.address && c.subjects[0] ? [{ channel: c.channel, address: c.address, subject: c.subjects[0] }] : [],
    );
  }

  /** A mail scanner may fetch the link first: the GET only shows the form and spends nothing. */
  @Get('aktiver/:token')
  async activationForm(@Param('token') token: string, @Req() req: PortalRequest, @Res() res: Response) {
    await this.passwordForm('activation', token, req, res);
  }

  @Post('aktiver/:token')
  async activate(@Param('token') token: string, @Req() req: PortalRequest, @Res() res: Response) {
    await this.choosePassword('activation', token, req, res);
  }

  @Get('nulstil')
  forgotForm(@Req() req: PortalRequest, @Res() res: Response) {
    sendPage(res, forgotPasswordPage(pageContext(req, res, this.config.orgName)));
  }

  /** The same answer, and the same work, whether or not the address has an account: the request is only queued. */
  @Post('nulstil')
  async forgot(@Req() req: PortalRequest, @Res() res: Response) {
    const ctx = pageContext(req, res, this.config.orgName);
    const email = formText(req.body?.email).trim();
    if (!isValidEmail(email)) {
      // A page never repeats a very long input back (it would only make the page heavy).
      const shown = email.length > 254 ? '' : email;
      const message = formErrors(new DomainError('invalid', 'INVALID_EMAIL', 'email', 'email'), ctx.locale)![0].message;
      return sendPage(res, forgotPasswordPage(ctx, { email: shown, errors: [{ field: 'email', message }] }), 400);
    }
    try {
      await this.resetRequests.queue(email, ctx.locale, req.ip ?? 'unknown');
    } catch (error) {
      if (error instanceof DomainError && error.kind === 'too_many') return sendPage(res, messagePage(ctx, ctx.t.forgotTitle, ctx.t.tooMany), 429);
      throw error;
    }
    sendPage(res, messagePage(ctx, ctx.t.forgotTitle, ctx.t.forgotDone, { href: '/portal/login', label: ctx.t.loginTitle }));
  }

  @Get('nulstil/:token')
  async resetForm(@Param('token') token: string, @Req() req: PortalRequest, @Res() res: Response) {
    await this.passwordForm('password_reset', token, req, res);
  }

  @Post('nulstil/:token')
  async reset(@Param('token') token: string, @Req() req: PortalRequest, @Res() res: Response) {
    await this.choosePassword('password_reset', token, req, res);
  }

  private async passwordForm(purpose: 'activation' | 'password_reset', token: string, req: PortalRequest, res: Response) {
    const ctx = pageContext(req, res, this.config.orgName);
    if (!TOKEN.test(token) || !(await this.activation.linkIsValid(purpose, token))) return this.linkInvalid(ctx, res);
    sendPage(res, choosePasswordPage(ctx, { purpose, token }));
  }

  private async choosePassword(purpose: 'activation' | 'password_reset', token: string, req: PortalRequest, res: Response) {
    const ctx = pageContext(req, res, this.config.orgName);
    if (!TOKEN.test(token)) return this.linkInvalid(ctx, res);
    const password = formText(req.body?.password);
    if (password !== formText(req.body?.passwordRepeat)) {
      return sendPage(res, choosePasswordPage(ctx, { purpose, token, errors: [{ field: 'passwordRepeat', message: ctx.t.passwordsDiffer }] }), 400);
    }
    try {
      const { memberId, identity, secondFactor } =
        purpose === 'activation' ? { ...(await this.activation.activate(token, password)), secondFactor: false } : await this.activation.resetPassword(token, password);
      // A reset proves the mailbox, not the second factor: with two-step login on, the session waits for the code.
      const { cookie } = await this.auth.startSession(memberId, identity, secondFactor);
      this.setMemberCookie(res, cookie);
      rotateCsrf(res, this.config.secureCookies, this.config.sessionSecret ?? '');
      // Bundles that waited for this member's key (or must be re-issued to the new one) are built now.
      this.distribution.drain().catch((e: unknown) => this.logger.error({ memberId, err: { type: (e as Error)?.name } }, 'building bundles after activation failed'));
      res.redirect(303, secondFactor ? '/portal/kode' : purpose === 'activation' ? '/portal/velkommen' : '/portal?done=reset');
    } catch (error) {
      if (error instanceof DomainError && error.code === 'LINK_INVALID') return this.linkInvalid(ctx, res);
      const errors = formErrors(error, ctx.locale);
      if (!errors) throw error;
      sendPage(res, choosePasswordPage(ctx, { purpose, token, errors }), 400);
    }
  }

  private linkInvalid(ctx: ReturnType<typeof pageContext>, res: Response) {
    // A used activation link is most often a member who already chose a password: logging in comes first.
    const links = [
      { href: '/portal/login', label: ctx.t.loginTitle },
      { href: '/portal/nulstil', label: ctx.t.forgotTitle },
    ];
    sendPage(res, messagePage(ctx, ctx.t.linkInvalidTitle, ctx.t.linkInvalid, links), 410);
  }

  private async currentSession(req: PortalRequest) {
    const cookie = readCookie(req, MEMBER_COOKIE);
    return cookie ? this.auth.resolve(cookie) : undefined;
  }

  private setMemberCookie(res: Response, cookie: string) {
    setSessionCookie(res, MEMBER_COOKIE, cookie, this.config.secureCookies);
  }
}
