import { DynamicModule, Module } from '@nestjs/common';
import type { Logger } from 'pino';
import { AccountsModule } from './accounts/accounts.module.js';
import { AuditModule } from './audit/audit.module.js';
import { AuthModule } from './auth/auth.module.js';
import { CommonModule } from './common/logger.module.js';
import { AppConfig } from './config/app-config.js';
import { ConfigModule } from './config/config.module.js';
import { ConsentModule } from './consent/consent.module.js';
import { DatabaseModule } from './database/database.module.js';
import { DatabaseTarget } from './database/database-target.js';
import { HealthController } from './health/health.controller.js';
import { MembersModule } from './members/members.module.js';
import { NetworksModule } from './networks/networks.module.js';
import { NoticesModule } from './notices/notices.module.js';
import { DistributionModule } from './distribution/distribution.module.js';
import { EditionsModule } from './editions/editions.module.js';
import { ListsModule } from './lists/lists.module.js';
import { RecipientsModule } from './recipients/recipients.module.js';
import { SchedulerModule } from './scheduler/scheduler.module.js';
import { AccessRequestsModule } from './access-requests/access-requests.module.js';
import { DataRequestsModule } from './data-requests/data-requests.module.js';
import { MemberAccountsModule } from './member-accounts/member-accounts.module.js';
import { PortalModule } from './portal/portal.module.js';
import { SiteModule } from './site/site.module.js';
import { ConsoleModule } from './console/console.module.js';
import { GdprModule } from './gdpr/gdpr.module.js';
import { MailIntakeJobsModule } from './mail-intake/mail-intake-jobs.module.js';
import { MailIntakeModule } from './mail-intake/mail-intake.module.js';

export interface AppContext {
  config: AppConfig;
  database: DatabaseTarget;
  logger: Logger;
  /** Run the timers (scheduled slots, bundle work, expiry); only the server does. */
  jobs?: boolean;
}

@Module({})
export class AppModule {
  static forRoot({ config, database, logger, jobs = false }: AppContext): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        CommonModule.forRoot(logger),
        DatabaseModule.forRoot(database),
        AuditModule,
        NoticesModule,
        NetworksModule,
        MembersModule,
        ConsentModule,
        AccountsModule,
        AuthModule,
        ListsModule,
        RecipientsModule,
        EditionsModule,
        DistributionModule,
        MemberAccountsModule,
        AccessRequestsModule,
        DataRequestsModule,
        GdprModule,
        PortalModule,
        SiteModule,
        ConsoleModule,
        MailIntakeModule,
        ...(jobs ? [SchedulerModule, MailIntakeJobsModule] : []),
      ],
      controllers: [HealthController],
    };
  }
}
