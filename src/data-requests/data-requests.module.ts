import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuditModule } from '../audit/audit.module.js';
import { DataRequestEntity } from './data-request.entity.js';
import { DataRequestsRepository } from './data-requests.repository.js';
import { DataRequestsService } from './data-requests.service.js';

@Module({
  imports: [TypeOrmModule.forFeature([DataRequestEntity]), AuditModule],
  providers: [DataRequestsRepository, DataRequestsService],
  exports: [DataRequestsService],
})
export class DataRequestsModule {}
