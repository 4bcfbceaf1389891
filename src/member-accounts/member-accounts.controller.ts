import { Body, Controller, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiNoContentResponse, ApiProperty, ApiTags } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import type { Actor } from '../common/actor.js';
import { CurrentActor, Roles } from '../common/auth.decorators.js';
import { UuidPipe } from '../common/uuid.pipe.js';
import { ActivationService } from './activation.service.js';

export class SendActivationDto {
  @ApiProperty({ enum: ['da', 'en'], required: false, description: 'language of the activation mail (default da)' })
  @IsOptional()
  @IsIn(['da', 'en'], { message: 'locale must be da or en' })
  locale?: 'da' | 'en';
}

@ApiTags('member accounts')
@ApiBearerAuth()
@Controller('api/v1/members/:memberId/activation')
export class MemberAccountsController {
  constructor(private readonly activation: ActivationService) {}

  /** Seed flow B: after a phone call, staff send the member an activation link by e-mail. */
  @Post()
  @Roles('admin', 'coordinator')
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'the activation mail is queued; earlier links stop working' })
  async send(@CurrentActor() actor: Actor, @Param('memberId', UuidPipe) memberId: string, @Body() body: SendActivationDto): Promise<void> {
    await this.activation.sendActivation(actor, memberId, body.locale);
  }
}
