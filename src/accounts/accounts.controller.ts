import { Body, Controller, Get, Param, Post, Put } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { Actor } from '../common/actor.js';
import { CurrentActor, Roles } from '../common/auth.decorators.js';
import { UuidPipe } from '../common/uuid.pipe.js';
import { AccountsService } from './accounts.service.js';
import { CreateStaffDto, CreateTokenDto, SetStaffNetworksDto, StaffDto, TokenDto } from './dto/staff.dto.js';

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

  @Post('tokens')
  @Roles('admin', 'coordinator', 'auditor')
  @ApiCreatedResponse({ type: TokenDto, description: 'a personal API token for the logged-in staff member' })
  createToken(@CurrentActor() actor: Actor, @Body() body: CreateTokenDto) {
    return this.accounts.createToken(actor, undefined, body.name);
  }
}
