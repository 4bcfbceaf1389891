import { Body, Controller, Delete, Get, HttpCode, Param, Post, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import { ApiTokensService, type TokenRequester } from '../accounts/api-tokens.service.js';
import { CreateTokenDto, TokenDto, TokenInfoDto } from '../accounts/dto/staff.dto.js';
import type { Actor, StaffActor } from '../common/actor.js';
import { CurrentActor, Roles } from '../common/auth.decorators.js';
import { UuidPipe } from '../common/uuid.pipe.js';
import { readCookie, STAFF_SESSION_COOKIE } from '../common/web/cookies.js';
import { AuthService } from './auth.service.js';

/** Personal API tokens: made from a session, listed and revoked by their owner (and by admins). */
@ApiTags('staff')
@ApiBearerAuth()
@Controller('api/v1')
export class ApiTokensController {
  constructor(
    private readonly tokens: ApiTokensService,
    private readonly auth: AuthService,
  ) {}

  @Post('tokens')
  @Roles('admin', 'coordinator', 'auditor')
  @ApiCreatedResponse({ type: TokenDto, description: 'a personal API token for the logged-in staff member; needs a session (not a token)' })
  async create(@CurrentActor() actor: Actor, @Body() body: CreateTokenDto, @Req() req: Request) {
    return this.tokens.create(actor, (actor as StaffActor).id, body.name, body.expiresInDays, await this.requester(req));
  }

  @Get('tokens')
  @Roles('admin', 'coordinator', 'auditor')
  @ApiOkResponse({ type: [TokenInfoDto], description: 'the caller\'s own tokens, newest first, without their secrets' })
  listOwn(@CurrentActor() actor: Actor) {
    return this.tokens.list(actor, (actor as StaffActor).id);
  }

  @Get('staff/:staffId/tokens')
  @Roles('admin')
  @ApiOkResponse({ type: [TokenInfoDto] })
  listOf(@CurrentActor() actor: Actor, @Param('staffId', UuidPipe) staffId: string) {
    return this.tokens.list(actor, staffId);
  }

  @Delete('tokens/:tokenId')
  @Roles('admin', 'coordinator', 'auditor')
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'revoked; another person\'s token is "not found" unless the caller is an admin' })
  async revoke(@CurrentActor() actor: Actor, @Param('tokenId', UuidPipe) tokenId: string): Promise<void> {
    await this.tokens.revoke(actor, tokenId);
  }

  /** The guard prefers a bearer token when one is sent, so the same order decides here. */
  private async requester(req: Request): Promise<TokenRequester> {
    if (req.headers.authorization !== undefined) return { via: 'token' };
    const cookie = readCookie(req, STAFF_SESSION_COOKIE);
    return { via: 'session', secondFactorPassed: cookie ? await this.auth.sessionPassedSecondFactor(cookie) : false };
  }
}
