import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuditModule } from '../audit/audit.module.js';
import { MembersModule } from '../members/members.module.js';
import { MemberRecipientEntity } from './member-recipient.entity.js';
import { RecipientsController } from './recipients.controller.js';
import { RecipientsRepository } from './recipients.repository.js';
import { RecipientsService } from './recipients.service.js';

@Module({
  imports: [TypeOrmModule.forFeature([MemberRecipientEntity]), AuditModule, MembersModule],
  controllers: [RecipientsController],
  providers: [RecipientsRepository, RecipientsService],
  exports: [RecipientsService],
})
export class RecipientsModule {}
