import { Controller, Get, Post, Req, Res, UseFilters } from '@nestjs/common';
import { formText } from '../common/web/locale.js';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { AuthService } from '../auth/auth.service.js';
import { AppConfig } from '../config/app-config.js';
import { Public } from '../common/auth.decorators.js';
import { qrSvg } from '../common/web/qr-svg.js';
import { DomainError } from '../common/domain-error.js';
import { clearSessionCookie, readCookie, setSessionCookie, STAFF_SESSION_COOKIE } from '../common/web/cookies.js';
import { rotateCsrf } from '../common/web/csrf.js';
import { ConsoleExceptionFilter } from './console-exception.filter.js';
import { consoleContext, sendPage, type ConsoleRequest } from './console-context.js';
import { loginPage, totpSetupPage } from './views/console-pages.js';


/** Staff log in to the console with the same sessions as the staff API (and TOTP when required). */
@ApiExcludeController()
@Public()
@UseFilters(ConsoleExceptionFilter)
@Controller('console')
export class ConsoleAuthController {
  constructor(
    private readonly auth: AuthService,
    private readonly config: AppConfig,
  ) {}

  @Get('login')
  async loginForm(@Req() req: ConsoleRequest, @Res() res: Response) {
    const session = await this.session(req);
    if (session) return res.redirect(303, session.setupPending ? '/console/to-trin' : '/console');
    sendPage(res, loginPage(consoleContext(req, res, this.config.orgName)));
  }

  @Post('login')
  async login(@Req() req: ConsoleRequest, @Res() res: Response) {
    const ctx = consoleContext(req, res, this.config.orgName);
    const email = formText(req.body?.email);
    const code = formText(req.body?.code).trim();
    try {
      const { token, setupPending } = await this.auth.login(email, formText(req.body?.password), req.ip ?? 'unknown', code || undefined);
      setSessionCookie(res, STAFF_SESSION_COOKIE, token, this.config.secureCookies);
      rotateCsrf(res, this.config.secureCookies, this.config.sessionSecret ?? '');
      res.redirect(303, setupPending ? '/console/to-trin' : '/console');
    } catch (error) {
      if (!(error instanceof DomainError) || !['LOGIN_FAILED', 'LOGIN_THROTTLED', 'SECOND_FACTOR_REQUIRED'].includes(error.code)) throw error;
      const throttled = error.code === 'LOGIN_THROTTLED';
      sendPage(res, loginPage(ctx, { email, errors: [{ field: error.code === 'SECOND_FACTOR_REQUIRED' ? 'code' : 'email', message: throttled ? ctx.t.loginThrottled : ctx.t.loginFailed }] }), throttled ? 429 : 401);
    }
  }

  @Get('to-trin')
  async totpForm(@Req() req: ConsoleRequest, @Res() res: Response) {
    const session = await this.session(req);
    if (!session) return res.redirect(303, '/console/login');
    sendPage(res, totpSetupPage(consoleContext(req, res, this.config.orgName), { totpOn: await this.auth.totpEnabled(session.actor.id) }));
  }

  @Post('to-trin/start')
  async totpStart(@Req() req: ConsoleRequest, @Res() res: Response) {
    const session = await this.session(req);
    if (!session) return res.redirect(303, '/console/login');
    const ctx = consoleContext(req, res, this.config.orgName);
    try {
      const { secret, otpauthUri } = await this.auth.startTotp(session.actor, formText(req.body?.code).trim() || undefined);
      sendPage(res, totpSetupPage(ctx, { secret, uri: otpauthUri, qr: await qrSvg(otpauthUri, ctx.t.totpQrLabel) }));
    } catch (error) {
      if (!(error instanceof DomainError) || (error.code !== 'TOTP_CODE_WRONG' && error.code !== 'TOTP_CODE_REQUIRED')) throw error;
      sendPage(res, totpSetupPage(ctx, { totpOn: true, errors: [{ field: 'code', message: ctx.t.codeWrong }] }), 400);
    }
  }

  @Post('to-trin/bekraeft')
  async totpConfirm(@Req() req: ConsoleRequest, @Res() res: Response) {
    const session = await this.session(req);
    if (!session) return res.redirect(303, '/console/login');
    try {
      await this.auth.confirmTotp(session.actor, formText(req.body?.code));
      res.redirect(303, '/console');
    } catch (error) {
      if (!(error instanceof DomainError) || (error.code !== 'TOTP_CODE_WRONG' && error.code !== 'TOTP_NOT_STARTED')) throw error;
      const ctx = consoleContext(req, res, this.config.orgName);
      sendPage(res, totpSetupPage(ctx, { errors: [{ field: 'code', message: ctx.t.codeWrong }] }), 400);
    }
  }

  @Post('logout')
  async logout(@Req() req: ConsoleRequest, @Res() res: Response) {
    const token = readCookie(req, STAFF_SESSION_COOKIE);
    const session = await this.session(req);
    if (token && session) await this.auth.logout(token, session.actor);
    clearSessionCookie(res, STAFF_SESSION_COOKIE, this.config.secureCookies);
    res.redirect(303, '/console/login');
  }

  private async session(req: ConsoleRequest) {
    const token = readCookie(req, STAFF_SESSION_COOKIE);
    return token ? this.auth.actorForSession(token) : undefined;
  }
}
