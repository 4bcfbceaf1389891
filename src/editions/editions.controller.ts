import { Body, Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiConflictResponse, ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { Actor } from '../common/actor.js';
import { CurrentActor, Roles } from '../common/auth.decorators.js';
import { UuidPipe } from '../common/uuid.pipe.js';
import { BundleStatusDto, EditionDto, EditionPreviewDto, PublishEditionDto } from './dto/edition.dto.js';
import { ApproveEdition } from './approve-edition.js';
import { CorrectEdition } from './correct-edition.js';
import { EditionQueries } from './edition-queries.js';
import { PublishEdition } from './publish-edition.js';
import { RevokeEdition } from './revoke-edition.js';

@ApiTags('editions')
@ApiBearerAuth()
@Controller('api/v1')
export class EditionsController {
  constructor(
    private readonly editions: EditionQueries,
    private readonly publishing: PublishEdition,
    private readonly approval: ApproveEdition,
    private readonly revocation: RevokeEdition,
    private readonly corrections: CorrectEdition,
  ) {}

  @Get('lists/:listId/preview')
  @Roles('admin', 'coordinator')
  @ApiOkResponse({ type: EditionPreviewDto, description: 'what an edition would hold now, and the diff since the last one; nothing is stored' })
  preview(@CurrentActor() actor: Actor, @Param('listId', UuidPipe) listId: string) {
    return this.publishing.preview(actor, listId);
  }

  @Post('lists/:listId/editions')
  @Roles('admin', 'coordinator')
  @ApiCreatedResponse({ type: EditionDto, description: 'publishes now (or waits for approval when the list requires it)' })
  @ApiConflictResponse({ description: 'EDITION_UNCHANGED: rows and recipients are those of the last edition; force: true publishes anyway' })
  async publish(@CurrentActor() actor: Actor, @Param('listId', UuidPipe) listId: string, @Body() body: PublishEditionDto) {
    return (await this.publishing.publish(actor, listId, { force: body?.force === true })).edition;
  }

  @Get('lists/:listId/editions')
  @Roles('admin', 'coordinator')
  @ApiOkResponse({ type: [EditionDto] })
  ofList(@CurrentActor() actor: Actor, @Param('listId', UuidPipe) listId: string) {
    return this.editions.ofList(actor, listId);
  }

  @Get('editions/:editionId')
  @Roles('admin', 'coordinator')
  @ApiOkResponse({ type: EditionDto, description: 'state and progress (n of N bundles built)' })
  show(@CurrentActor() actor: Actor, @Param('editionId', UuidPipe) editionId: string) {
    return this.editions.show(actor, editionId);
  }

  @Get('editions/:editionId/rows')
  @Roles('admin', 'coordinator')
  @ApiOkResponse({ type: EditionPreviewDto })
  rows(@CurrentActor() actor: Actor, @Param('editionId', UuidPipe) editionId: string) {
    return this.editions.rows(actor, editionId);
  }

  @Get('editions/:editionId/bundles')
  @Roles('admin', 'coordinator')
  @ApiOkResponse({ type: [BundleStatusDto], description: 'delivery status per recipient' })
  bundles(@CurrentActor() actor: Actor, @Param('editionId', UuidPipe) editionId: string) {
    return this.editions.bundleStatus(actor, editionId);
  }

  @Post('editions/:editionId/approve')
  @Roles('admin', 'coordinator')
  @HttpCode(200)
  @ApiOkResponse({ type: EditionDto, description: 'four eyes: not by the coordinator who requested it' })
  approve(@CurrentActor() actor: Actor, @Param('editionId', UuidPipe) editionId: string) {
    return this.approval.approve(actor, editionId);
  }

  @Post('editions/:editionId/revoke')
  @Roles('admin', 'coordinator')
  @HttpCode(200)
  @ApiOkResponse({ type: EditionDto, description: 'revokes every bundle of the edition, downloaded or not, and deletes its file' })
  revoke(@CurrentActor() actor: Actor, @Param('editionId', UuidPipe) editionId: string) {
    return this.revocation.revoke(actor, editionId);
  }

  @Post('editions/:editionId/correct')
  @Roles('admin', 'coordinator')
  @ApiCreatedResponse({ description: 'publishes a corrected edition of the same list and revokes this one with all its bundles' })
  correct(@CurrentActor() actor: Actor, @Param('editionId', UuidPipe) editionId: string) {
    return this.corrections.correct(actor, editionId);
  }

  @Get('networks/:networkId/members/:memberId/live-editions')
  @Roles('admin', 'coordinator')
  @ApiOkResponse({ type: [EditionDto], description: 'editions still being distributed that list the member' })
  liveEditions(@CurrentActor() actor: Actor, @Param('networkId', UuidPipe) networkId: string, @Param('memberId', UuidPipe) memberId: string) {
    return this.editions.liveEditionsListing(actor, networkId, memberId);
  }
}
