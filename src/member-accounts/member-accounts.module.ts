import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AccountsModule } from '../accounts/accounts.module.js';
import { AuditModule } from '../audit/audit.module.js';
import { AuthModule } from '../auth/auth.module.js';
import { BundlesModule } from '../bundles/bundles.module.js';
import { MembersModule } from '../members/members.module.js';
import { NoticesModule } from '../notices/notices.module.js';
import { RecipientsModule } from '../recipients/recipients.module.js';
import { AccountTokenEntity } from './account-token.entity.js';
import { ActivationService } from './activation.service.js';
import { MemberAccountEntity } from './member-account.entity.js';
import { MemberAccountsController } from './member-accounts.controller.js';
import { MemberAccountsRepository } from './member-accounts.repository.js';
import { MemberAuthService } from './member-auth.service.js';
import { MemberSessionEntity } from './member-session.entity.js';
import { MemberTotpService } from './member-totp.service.js';
import { PasswordResetRequestsService } from './password-reset-requests.service.js';

@Module({
  imports: [
    TypeOrmModule.forFeature([MemberAccountEntity, AccountTokenEntity, MemberSessionEntity]),
    AuditModule,
    AuthModule,
    AccountsModule,
    BundlesModule,
    MembersModule,
    NoticesModule,
    RecipientsModule,
  ],
  controllers: [MemberAccountsController],
  providers: [MemberAccountsRepository, ActivationService, MemberAuthService, MemberTotpService, PasswordResetRequestsService],
  exports: [ActivationService, MemberAuthService, MemberTotpService, PasswordResetRequestsService],
})
export class MemberAccountsModule {}
