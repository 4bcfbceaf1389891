import { Module } from '@nestjs/common';
import { AccessRequestsModule } from '../access-requests/access-requests.module.js';
import { AccountsModule } from '../accounts/accounts.module.js';
import { AuditModule } from '../audit/audit.module.js';
import { AuthModule } from '../auth/auth.module.js';
import { ConsentModule } from '../consent/consent.module.js';
import { DistributionModule } from '../distribution/distribution.module.js';
import { EditionsModule } from '../editions/editions.module.js';
import { GdprModule } from '../gdpr/gdpr.module.js';
import { ListsModule } from '../lists/lists.module.js';
import { MemberAccountsModule } from '../member-accounts/member-accounts.module.js';
import { MembersModule } from '../members/members.module.js';
import { NetworksModule } from '../networks/networks.module.js';
import { NoticesModule } from '../notices/notices.module.js';
import { ConsoleAuditController } from './console-audit.controller.js';
import { ConsoleAuthController } from './console-auth.controller.js';
import { ConsoleEditController } from './console-edit.controller.js';
import { ConsoleDistributionController } from './console-distribution.controller.js';
import { ConsoleExceptionFilter } from './console-exception.filter.js';
import { ConsoleGdprController } from './console-gdpr.controller.js';
import { ConsoleMembersController } from './console-members.controller.js';
import { ConsoleStaffController } from './console-staff.controller.js';
import { ConsoleTokensController } from './console-tokens.controller.js';
import { StaffSessionGuard } from './staff-session.guard.js';

/** The staff console: server-rendered pages over the same services as the staff API. */
@Module({
  imports: [
    AccessRequestsModule,
    AccountsModule,
    AuditModule,
    AuthModule,
    ConsentModule,
    DistributionModule,
    EditionsModule,
    GdprModule,
    ListsModule,
    MemberAccountsModule,
    MembersModule,
    NetworksModule,
    NoticesModule,
  ],
  controllers: [
    ConsoleAuthController,
    ConsoleMembersController,
    ConsoleEditController,
    ConsoleDistributionController,
    ConsoleStaffController,
    ConsoleTokensController,
    ConsoleAuditController,
    ConsoleGdprController,
  ],
  providers: [StaffSessionGuard, ConsoleExceptionFilter],
})
export class ConsoleModule {}
