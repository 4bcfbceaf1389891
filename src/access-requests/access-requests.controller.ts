import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { Actor } from '../common/actor.js';
import { CurrentActor, Roles } from '../common/auth.decorators.js';
import { UuidPipe } from '../common/uuid.pipe.js';
import { AccessRequestsService } from './access-requests.service.js';
import { AccessRequestDto, AccessRequestPageDto, AccessRequestQuery, ApproveAccessRequestDto } from './dto/access-request.dto.js';

@ApiTags('access requests')
@ApiBearerAuth()
@Controller('api/v1/access-requests')
export class AccessRequestsController {
  constructor(private readonly requests: AccessRequestsService) {}

  @Get()
  @Roles('admin', 'coordinator')
  @ApiOkResponse({ type: AccessRequestPageDto })
  list(@CurrentActor() actor: Actor, @Query() query: AccessRequestQuery) {
    return this.requests.list(actor, query);
  }

  @Post(':id/approve')
  @Roles('admin', 'coordinator')
  @HttpCode(200)
  @ApiOkResponse({ type: AccessRequestDto, description: 'the activation mail is queued' })
  approve(@CurrentActor() actor: Actor, @Param('id', UuidPipe) id: string, @Body() body: ApproveAccessRequestDto) {
    return this.requests.approve(actor, id, body);
  }

  @Post(':id/reject')
  @Roles('admin', 'coordinator')
  @HttpCode(200)
  @ApiOkResponse({ type: AccessRequestDto })
  reject(@CurrentActor() actor: Actor, @Param('id', UuidPipe) id: string) {
    return this.requests.reject(actor, id);
  }
}
