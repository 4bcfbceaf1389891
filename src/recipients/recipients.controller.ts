import { Body, Controller, Get, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { Actor } from '../common/actor.js';
import { CurrentActor, Roles } from '../common/auth.decorators.js';
import { UuidPipe } from '../common/uuid.pipe.js';
import { AddRecipientDto, RecipientDto } from './dto/recipient.dto.js';
import { RecipientsService } from './recipients.service.js';

@ApiTags('recipients')
@ApiBearerAuth()
@Controller('api/v1/members/:memberId/recipients')
export class RecipientsController {
  constructor(private readonly recipients: RecipientsService) {}

  @Get()
  @Roles('admin', 'coordinator')
  @ApiOkResponse({ type: [RecipientDto] })
  list(@CurrentActor() actor: Actor, @Param('memberId', UuidPipe) memberId: string) {
    return this.recipients.list(actor, memberId);
  }

  @Post()
  @Roles('admin', 'coordinator')
  @ApiCreatedResponse({ type: RecipientDto })
  add(@CurrentActor() actor: Actor, @Param('memberId', UuidPipe) memberId: string, @Body() body: AddRecipientDto) {
    return this.recipients.add(actor, memberId, body.recipient);
  }
}
