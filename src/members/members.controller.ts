import { Body, Controller, Get, Param, Patch, Post, Put, Query, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiConsumes, ApiCreatedResponse, ApiOkResponse, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import type { Actor } from '../common/actor.js';
import { CurrentActor, Roles } from '../common/auth.decorators.js';
import { ValidationFailedError } from '../common/domain-error.js';
import { UuidPipe } from '../common/uuid.pipe.js';
import {
  CreateMemberDto,
  ImportResultDto,
  MemberDto,
  MemberPageDto,
  MemberSearchQuery,
  SetMembershipDto,
  UpdateMemberDto,
} from './dto/member.dto.js';
import { MembersService } from './members.service.js';

@ApiTags('members')
@ApiBearerAuth()
@Controller('api/v1')
export class MembersController {
  constructor(private readonly members: MembersService) {}

  @Get('networks/:networkId/members')
  @Roles('admin', 'coordinator')
  @ApiOkResponse({ type: MemberPageDto })
  search(@CurrentActor() actor: Actor, @Param('networkId', UuidPipe) networkId: string, @Query() query: MemberSearchQuery) {
    return this.members.search(actor, networkId, query);
  }

  @Post('networks/:networkId/members')
  @Roles('admin', 'coordinator')
  @ApiCreatedResponse({ type: MemberDto })
  create(@CurrentActor() actor: Actor, @Param('networkId', UuidPipe) networkId: string, @Body() body: CreateMemberDto) {
    return this.members.create(actor, networkId, body);
  }

  @Post('networks/:networkId/members/import')
  @Roles('admin', 'coordinator')
  @ApiConsumes('text/csv', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', 'application/octet-stream')
  @ApiBody({ schema: { type: 'string', format: 'binary' } })
  @ApiQuery({ name: 'dryRun', required: false, type: Boolean })
  @ApiCreatedResponse({ type: ImportResultDto })
  import(
    @CurrentActor() actor: Actor,
    @Param('networkId', UuidPipe) networkId: string,
    @Query('dryRun') dryRun: string | undefined,
    @Req() req: Request,
  ) {
    const body = req.body as unknown;
    if (!Buffer.isBuffer(body) || body.length === 0) {
      throw new ValidationFailedError([{ field: 'file', code: 'FILE_MISSING', message: 'file must be sent as the request body (CSV or XLSX)' }]);
    }
    return this.members.importFile(actor, networkId, body, { dryRun: dryRun === 'true' || dryRun === '1' });
  }

  @Get('members/:memberId')
  @Roles('admin', 'coordinator')
  @ApiOkResponse({ type: MemberDto })
  get(@CurrentActor() actor: Actor, @Param('memberId', UuidPipe) memberId: string) {
    return this.members.get(actor, memberId);
  }

  @Patch('members/:memberId')
  @Roles('admin', 'coordinator')
  @ApiOkResponse({ type: MemberDto })
  update(@CurrentActor() actor: Actor, @Param('memberId', UuidPipe) memberId: string, @Body() body: UpdateMemberDto) {
    return this.members.update(actor, memberId, body);
  }

  @Put('networks/:networkId/members/:memberId/membership')
  @Roles('admin', 'coordinator')
  setMembership(
    @CurrentActor() actor: Actor,
    @Param('networkId', UuidPipe) networkId: string,
    @Param('memberId', UuidPipe) memberId: string,
    @Body() body: SetMembershipDto,
  ) {
    return this.members.setMembershipStatus(actor, networkId, memberId, body.status);
  }
}
