import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuditModule } from '../audit/audit.module.js';
import { MemberAccountsModule } from '../member-accounts/member-accounts.module.js';
import { MembersModule } from '../members/members.module.js';
import { NoticesModule } from '../notices/notices.module.js';
import { AccessRequestEntity } from './access-request.entity.js';
import { AccessRequestsController } from './access-requests.controller.js';
import { AccessRequestsRepository } from './access-requests.repository.js';
import { AccessRequestsService } from './access-requests.service.js';

@Module({
  imports: [TypeOrmModule.forFeature([AccessRequestEntity]), AuditModule, MembersModule, MemberAccountsModule, NoticesModule],
  controllers: [AccessRequestsController],
  providers: [AccessRequestsRepository, AccessRequestsService],
  exports: [AccessRequestsService],
})
export class AccessRequestsModule {}
