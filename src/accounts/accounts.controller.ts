import { Body, Controller, Get, HttpCode, Param, Post, Put } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { Actor } from '../common/actor.js';
import { CurrentActor, Roles } from '../common/auth.decorators.js';
import { UuidPipe } from '../common/uuid.pipe.js';
import { AccountsService } from './accounts.service.js';
import { CreateStaffDto, SetStaffNetworksDto, StaffDto } from './dto/staff.dto.js';

@ApiTags('staff')
@ApiBearerAuth()
@Controller('api/v1')
export class AccountsController {
  constructor(private readonly accounts: AccountsService) {}

  @Get('staff')
  @Roles('admin')
  @ApiOkResponse({ type: [StaffDto] })
  list(@CurrentActor() actor: Actor) {
    return this.accounts.list(actor);
  }

  @Post('staff')
  @Roles('admin')
  @ApiCreatedResponse({ type: StaffDto })
  create(@CurrentActor() actor: Actor, @Body() body: CreateStaffDto) {
    return this.accounts.createStaff(actor, body);
  }

  @Put('staff/:staffId/networks')
  @Roles('admin')
  @ApiOkResponse({ type: StaffDto })
  setNetworks(@CurrentActor() actor: Actor, @Param('staffId', UuidPipe) staffId: string, @Body() body: SetStaffNetworksDto) {
    return this.accounts.setNetworks(actor, staffId, body.networkIds);
  }

  @Post('staff/:staffId/disable')
  @Roles('admin')
  @HttpCode(200)
  @ApiOkResponse({ type: StaffDto, description: 'ends the account\'s sessions and revokes its API tokens at once' })
  disable(@CurrentActor() actor: Actor, @Param('staffId', UuidPipe) staffId: string) {
    return this.accounts.setDisabled(actor, staffId, true);
  }

  @Post('staff/:staffId/enable')
  @Roles('admin')
  @HttpCode(200)
  @ApiOkResponse({ type: StaffDto, description: 'the password login works again; ended sessions and revoked tokens stay so' })
  enable(@CurrentActor() actor: Actor, @Param('staffId', UuidPipe) staffId: string) {
    return this.accounts.setDisabled(actor, staffId, false);
  }
}
