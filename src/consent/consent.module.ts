import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuditModule } from '../audit/audit.module.js';
import { MembersModule } from '../members/members.module.js';
import { NetworksModule } from '../networks/networks.module.js';
import { ConsentTextEntity } from './consent-text.entity.js';
import { ConsentController } from './consent.controller.js';
import { ConsentEntity } from './consent.entity.js';
import { ConsentRepository } from './consent.repository.js';
import { ConsentService } from './consent.service.js';

@Module({
  imports: [TypeOrmModule.forFeature([ConsentEntity, ConsentTextEntity]), AuditModule, NetworksModule, MembersModule],
  controllers: [ConsentController],
  providers: [ConsentRepository, ConsentService],
  exports: [ConsentService],
})
export class ConsentModule {}
