import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuditModule } from '../audit/audit.module.js';
import { AccountsController } from './accounts.controller.js';
import { AccountsRepository } from './accounts.repository.js';
import { AccountsService } from './accounts.service.js';
import { ApiTokensService } from './api-tokens.service.js';
import { PasswordHasher } from './password-hasher.js';
import { ApiTokenEntity, StaffAccountEntity, StaffNetworkEntity } from './staff-account.entity.js';

@Module({
  imports: [TypeOrmModule.forFeature([StaffAccountEntity, StaffNetworkEntity, ApiTokenEntity]), AuditModule],
  controllers: [AccountsController],
  providers: [AccountsRepository, AccountsService, ApiTokensService, PasswordHasher],
  exports: [AccountsService, ApiTokensService, PasswordHasher],
})
export class AccountsModule {}
