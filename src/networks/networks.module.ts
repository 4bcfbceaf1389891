import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuditModule } from '../audit/audit.module.js';
import { NetworkEntity } from './network.entity.js';
import { NetworksController } from './networks.controller.js';
import { NetworksRepository } from './networks.repository.js';
import { NetworksService } from './networks.service.js';

@Module({
  imports: [TypeOrmModule.forFeature([NetworkEntity]), AuditModule],
  controllers: [NetworksController],
  providers: [NetworksRepository, NetworksService],
  exports: [NetworksService],
})
export class NetworksModule {}
