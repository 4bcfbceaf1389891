import { Body, Controller, Get, HttpCode, Post, Req, Res } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { AccountsService } from '../accounts/accounts.service.js';
import { StaffDto } from '../accounts/dto/staff.dto.js';
import { AppConfig } from '../config/app-config.js';
import type { Actor, StaffActor } from '../common/actor.js';
import { AllowBeforeSecondFactor, CurrentActor, Public, Roles } from '../common/auth.decorators.js';
import { AuthService } from './auth.service.js';
import { LoginDto, TotpCodeDto, TotpRestartDto, TotpSetupDto } from './dto/login.dto.js';
import { csrfTokenOf, rotateCsrf } from '../common/web/csrf.js';
import { clearSessionCookie, readCookie, setSessionCookie, STAFF_SESSION_COOKIE } from '../common/web/cookies.js';

@ApiTags('auth')
@Controller('api/v1/auth')
export class AuthController {
  constructor(
    private readonly auth: AuthService,
    private readonly accounts: AccountsService,
    private readonly config: AppConfig,
  ) {}

  @Post('login')
  @Public()
  @HttpCode(200)
  @ApiOkResponse({ type: StaffDto, description: 'sets an HttpOnly session cookie' })
  async login(@Body() body: LoginDto, @Req() req: Request, @Res({ passthrough: true }) res: Response) {
    const { token, actor } = await this.auth.login(body.email, body.password, req.ip ?? 'unknown', body.code);
    setSessionCookie(res, STAFF_SESSION_COOKIE, token, this.config.secureCookies);
    // Writes with the cookie need this token in X-CSRF-Token (or must come from this site's own pages).
    res.setHeader('X-CSRF-Token', rotateCsrf(res, this.config.secureCookies, this.config.sessionSecret ?? ''));
    return this.accounts.describe(actor.id);
  }

  @Post('totp/setup')
  @Roles('admin', 'coordinator', 'auditor')
  @AllowBeforeSecondFactor()
  @HttpCode(200)
  @ApiOkResponse({ type: TotpSetupDto, description: 'a new secret; in force once a code from it is confirmed at totp/enable' })
  startTotp(@CurrentActor() actor: Actor, @Body() body: TotpRestartDto) {
    return this.auth.startTotp(actor as StaffActor, body.code);
  }

  @Post('totp/enable')
  @Roles('admin', 'coordinator', 'auditor')
  @AllowBeforeSecondFactor()
  @HttpCode(204)
  async enableTotp(@CurrentActor() actor: Actor, @Body() body: TotpCodeDto): Promise<void> {
    await this.auth.confirmTotp(actor as StaffActor, body.code);
  }

  @Post('logout')
  @AllowBeforeSecondFactor()
  @Roles('admin', 'coordinator', 'auditor')
  @HttpCode(204)
  async logout(@CurrentActor() actor: Actor, @Req() req: Request, @Res({ passthrough: true }) res: Response) {
    const token = readCookie(req, STAFF_SESSION_COOKIE);
    if (token && actor.type === 'staff') await this.auth.logout(token, actor);
    clearSessionCookie(res, STAFF_SESSION_COOKIE, this.config.secureCookies);
  }

  @Get('me')
  @AllowBeforeSecondFactor()
  @Roles('admin', 'coordinator', 'auditor')
  @ApiOkResponse({ type: StaffDto })
  me(@CurrentActor() actor: Actor, @Req() req: Request, @Res({ passthrough: true }) res: Response) {
    const csrf = csrfTokenOf(this.config.sessionSecret ?? '', req);
    if (csrf) res.setHeader('X-CSRF-Token', csrf);
    return this.accounts.describe((actor as { id: string }).id);
  }
}
