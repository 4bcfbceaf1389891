import { Controller, Get, Param, Post, Req, Res, UseFilters, UseGuards } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { ApiTokensService } from '../accounts/api-tokens.service.js';
import { AuthService } from '../auth/auth.service.js';
import { AppConfig } from '../config/app-config.js';
import { Public } from '../common/auth.decorators.js';
import { DomainError } from '../common/domain-error.js';
import { UuidPipe } from '../common/uuid.pipe.js';
import { readCookie, STAFF_SESSION_COOKIE } from '../common/web/cookies.js';
import { formText } from '../common/web/locale.js';
import { ConsoleExceptionFilter } from './console-exception.filter.js';
import { consoleContext, sendPage, type ConsoleRequest } from './console-context.js';
import { StaffSessionGuard } from './staff-session.guard.js';
import { tokensPage, tokenTexts } from './views/console-token-pages.js';

/** Every staff member's own API tokens: make one (shown once), see them, revoke one. */
@ApiExcludeController()
@Public()
@UseGuards(StaffSessionGuard)
@UseFilters(ConsoleExceptionFilter)
@Controller('console/noegler')
export class ConsoleTokensController {
  constructor(
    private readonly tokens: ApiTokensService,
    private readonly auth: AuthService,
    private readonly config: AppConfig,
  ) {}

  @Get()
  async list(@Req() req: ConsoleRequest, @Res() res: Response) {
    const ctx = consoleContext(req, res, this.config.orgName);
    const flash = req.query.done === 'revoked' ? tokenTexts(ctx).tokenRevoked : undefined;
    sendPage(res, tokensPage(ctx, await this.tokens.list(req.staff!, req.staff!.id), this.config.timeZone, { flash }));
  }

  @Post()
  async create(@Req() req: ConsoleRequest, @Res() res: Response) {
    const ctx = consoleContext(req, res, this.config.orgName);
    const actor = req.staff!;
    const values = { name: formText(req.body?.name), expiresInDays: formText(req.body?.expiresInDays).trim() };
    const days = /^\d{1,4}$/.test(values.expiresInDays) ? Number(values.expiresInDays) : Number.NaN;
    const cookie = readCookie(req, STAFF_SESSION_COOKIE);
    const secondFactorPassed = cookie ? await this.auth.sessionPassedSecondFactor(cookie) : false;
    try {
      const made = await this.tokens.create(actor, actor.id, values.name, days, { via: 'session', secondFactorPassed });
      sendPage(res, tokensPage(ctx, await this.tokens.list(actor, actor.id), this.config.timeZone, { newToken: made.token }), 201);
    } catch (error) {
      if (!(error instanceof DomainError) || (error.kind !== 'invalid' && error.kind !== 'forbidden')) throw error;
      const problems = error.problems.length ? error.problems : [{ field: error.field ?? 'name', message: error.message }];
      const fieldErrors = problems.map((p) => ({ field: p.field ?? 'name', message: p.message }));
      const page = tokensPage(ctx, await this.tokens.list(actor, actor.id), this.config.timeZone, { values, errors: fieldErrors });
      sendPage(res, page, error.kind === 'forbidden' ? 403 : 400);
    }
  }

  @Post(':tokenId/tilbagekald')
  async revoke(@Param('tokenId', UuidPipe) tokenId: string, @Req() req: ConsoleRequest, @Res() res: Response) {
    await this.tokens.revoke(req.staff!, tokenId);
    res.redirect(303, '/console/noegler?done=revoked');
  }
}
