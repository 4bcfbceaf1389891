import { Body, Controller, Get, Param, Patch, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { Actor } from '../common/actor.js';
import { CurrentActor, Roles } from '../common/auth.decorators.js';
import { UuidPipe } from '../common/uuid.pipe.js';
import { CreateListDto, ListDto, UpdateListDto } from './dto/list.dto.js';
import { ListsService } from './lists.service.js';

@ApiTags('lists')
@ApiBearerAuth()
@Controller('api/v1')
export class ListsController {
  constructor(private readonly lists: ListsService) {}

  @Get('networks/:networkId/lists')
  @Roles('admin', 'coordinator')
  @ApiOkResponse({ type: [ListDto] })
  ofNetwork(@CurrentActor() actor: Actor, @Param('networkId', UuidPipe) networkId: string) {
    return this.lists.listOfNetwork(actor, networkId);
  }

  @Post('networks/:networkId/lists')
  @Roles('admin', 'coordinator')
  @ApiCreatedResponse({ type: ListDto })
  create(@CurrentActor() actor: Actor, @Param('networkId', UuidPipe) networkId: string, @Body() body: CreateListDto) {
    return this.lists.create(actor, networkId, body);
  }

  @Get('lists/:listId')
  @Roles('admin', 'coordinator')
  @ApiOkResponse({ type: ListDto })
  get(@CurrentActor() actor: Actor, @Param('listId', UuidPipe) listId: string) {
    return this.lists.get(actor, listId);
  }

  @Patch('lists/:listId')
  @Roles('admin', 'coordinator')
  @ApiOkResponse({ type: ListDto })
  update(@CurrentActor() actor: Actor, @Param('listId', UuidPipe) listId: string, @Body() body: UpdateListDto) {
    return this.lists.update(actor, listId, body);
  }
}
