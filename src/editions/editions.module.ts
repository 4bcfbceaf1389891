import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuditModule } from '../audit/audit.module.js';
import { BundlesModule } from '../bundles/bundles.module.js';
import { ConsentModule } from '../consent/consent.module.js';
import { ListsModule } from '../lists/lists.module.js';
import { MembersModule } from '../members/members.module.js';
import { NetworksModule } from '../networks/networks.module.js';
import { CorrectionsService } from './corrections.service.js';
import { EditionEntity } from './edition.entity.js';
import { EditionsController } from './editions.controller.js';
import { EditionsRepository } from './editions.repository.js';
import { EditionsService } from './editions.service.js';

@Module({
  imports: [TypeOrmModule.forFeature([EditionEntity]), AuditModule, BundlesModule, ConsentModule, ListsModule, MembersModule, NetworksModule],
  controllers: [EditionsController],
  providers: [EditionsRepository, EditionsService, CorrectionsService],
  exports: [EditionsService, CorrectionsService],
})
export class EditionsModule {}
