import { Body, Controller, Get, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { Actor } from '../common/actor.js';
import { UuidPipe } from '../common/uuid.pipe.js';
import { CurrentActor, Roles } from '../common/auth.decorators.js';
import { CreateNetworkDto, NetworkDto } from './dto/network.dto.js';
import { NetworksService } from './networks.service.js';

@ApiTags('networks')
@ApiBearerAuth()
@Controller('api/v1/networks')
export class NetworksController {
  constructor(private readonly networks: NetworksService) {}

  @Get()
  @Roles('admin', 'coordinator', 'auditor')
  @ApiOkResponse({ type: [NetworkDto] })
  list(@CurrentActor() actor: Actor) {
    return this.networks.list(actor);
  }

  @Post()
  @Roles('admin')
  @ApiCreatedResponse({ type: NetworkDto })
  create(@CurrentActor() actor: Actor, @Body() body: CreateNetworkDto) {
    return this.networks.create(actor, body);
  }

  @Get(':networkId')
  @Roles('admin', 'coordinator', 'auditor')
  @ApiOkResponse({ type: NetworkDto })
  get(@CurrentActor() actor: Actor, @Param('networkId', UuidPipe) networkId: string) {
    return this.networks.get(actor, networkId);
  }
}
