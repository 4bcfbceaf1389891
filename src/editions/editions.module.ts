import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuditModule } from '../audit/audit.module.js';
import { BundlesModule } from '../bundles/bundles.module.js';
import { ConsentModule } from '../consent/consent.module.js';
import { ListsModule } from '../lists/lists.module.js';
import { MembersModule } from '../members/members.module.js';
import { NetworksModule } from '../networks/networks.module.js';
import { ApproveEdition } from './approve-edition.js';
import { CorrectEdition } from './correct-edition.js';
import { EditionDocuments } from './edition-document.js';
import { EditionQueries } from './edition-queries.js';
import { EditionRetention } from './edition-retention.js';
import { EditionEntity } from './edition.entity.js';
import { EditionsController } from './editions.controller.js';
import { EditionsRepository } from './editions.repository.js';
import { FinishEdition } from './finish-edition.js';
import { PublishEdition } from './publish-edition.js';
import { RecipientsLedger } from './recipients-ledger.js';
import { RevokeEdition } from './revoke-edition.js';

const USE_CASES = [
  PublishEdition,
  ApproveEdition,
  RevokeEdition,
  CorrectEdition,
  FinishEdition,
  EditionQueries,
  EditionRetention,
  RecipientsLedger,
  EditionDocuments,
];

@Module({
  imports: [TypeOrmModule.forFeature([EditionEntity]), AuditModule, BundlesModule, ConsentModule, ListsModule, MembersModule, NetworksModule],
  controllers: [EditionsController],
  providers: [EditionsRepository, ...USE_CASES],
  exports: USE_CASES,
})
export class EditionsModule {}
