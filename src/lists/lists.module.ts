import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuditModule } from '../audit/audit.module.js';
import { NetworksModule } from '../networks/networks.module.js';
import { ContactListEntity } from './contact-list.entity.js';
import { ListsController } from './lists.controller.js';
import { ListsRepository } from './lists.repository.js';
import { ListsService } from './lists.service.js';

@Module({
  imports: [TypeOrmModule.forFeature([ContactListEntity]), AuditModule, NetworksModule],
  controllers: [ListsController],
  providers: [ListsRepository, ListsService],
  exports: [ListsService],
})
export class ListsModule {}
