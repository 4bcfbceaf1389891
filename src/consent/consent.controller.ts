import { Body, Controller, Get, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { Actor } from '../common/actor.js';
import { CurrentActor, Roles } from '../common/auth.decorators.js';
import { UuidPipe } from '../common/uuid.pipe.js';
import { ConsentService } from './consent.service.js';
import {
  ConsentRecordDto,
  ConsentTextDto,
  CreateConsentTextDto,
  EffectiveConsentDto,
  RecordConsentDto,
  WithdrawConsentDto,
} from './dto/consent.dto.js';

@ApiTags('consent')
@ApiBearerAuth()
@Controller('api/v1/networks/:networkId')
export class ConsentController {
  constructor(private readonly consent: ConsentService) {}

  @Get('consent-texts')
  @Roles('admin', 'coordinator')
  @ApiOkResponse({ type: [ConsentTextDto] })
  texts(@CurrentActor() actor: Actor, @Param('networkId', UuidPipe) networkId: string) {
    return this.consent.listTexts(actor, networkId);
  }

  @Post('consent-texts')
  @Roles('admin', 'coordinator')
  @ApiCreatedResponse({ type: ConsentTextDto })
  createText(@CurrentActor() actor: Actor, @Param('networkId', UuidPipe) networkId: string, @Body() body: CreateConsentTextDto) {
    return this.consent.createText(actor, networkId, body);
  }

  @Get('members/:memberId/consents')
  @Roles('admin', 'coordinator')
  @ApiOkResponse({ type: [ConsentRecordDto], description: 'newest first' })
  history(@CurrentActor() actor: Actor, @Param('networkId', UuidPipe) networkId: string, @Param('memberId', UuidPipe) memberId: string) {
    return this.consent.history(actor, networkId, memberId);
  }

  @Get('members/:memberId/consents/current')
  @Roles('admin', 'coordinator')
  @ApiOkResponse({ type: EffectiveConsentDto })
  current(@CurrentActor() actor: Actor, @Param('networkId', UuidPipe) networkId: string, @Param('memberId', UuidPipe) memberId: string) {
    return this.consent.current(actor, networkId, memberId);
  }

  @Post('members/:memberId/consents')
  @Roles('admin', 'coordinator')
  @ApiCreatedResponse({ type: ConsentRecordDto })
  record(
    @CurrentActor() actor: Actor,
    @Param('networkId', UuidPipe) networkId: string,
    @Param('memberId', UuidPipe) memberId: string,
    @Body() body: RecordConsentDto,
  ) {
    return this.consent.record(actor, networkId, memberId, body);
  }

  @Post('members/:memberId/consents/withdrawal')
  @Roles('admin', 'coordinator')
  @ApiCreatedResponse({ type: ConsentRecordDto })
  withdraw(
    @CurrentActor() actor: Actor,
    @Param('networkId', UuidPipe) networkId: string,
    @Param('memberId', UuidPipe) memberId: string,
    @Body() body: WithdrawConsentDto,
  ) {
    return this.consent.withdraw(actor, networkId, memberId, body);
  }
}
