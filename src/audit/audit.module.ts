import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuditCheckpointRepository } from './audit-checkpoint.repository.js';
import { AuditCheckpointsService } from './audit-checkpoints.service.js';
import { AuditEventEntity } from './audit-event.entity.js';
import { AuditExportService } from './audit-export.service.js';
import { AuditSigningKey } from './audit-signing-key.js';
import { AuditTraceService } from './audit-trace.service.js';
import { AuditController } from './audit.controller.js';
import { AuditRepository } from './audit.repository.js';
import { AuditService } from './audit.service.js';

@Module({
  imports: [TypeOrmModule.forFeature([AuditEventEntity])],
  controllers: [AuditController],
  providers: [AuditRepository, AuditCheckpointRepository, AuditSigningKey, AuditService, AuditCheckpointsService, AuditExportService, AuditTraceService],
  exports: [AuditService, AuditCheckpointsService, AuditExportService, AuditTraceService],
})
export class AuditModule {}
