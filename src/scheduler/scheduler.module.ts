import { Module } from '@nestjs/common';
import { ScheduleModule } from '@nestjs/schedule';
import { AuditModule } from '../audit/audit.module.js';
import { BundlesModule } from '../bundles/bundles.module.js';
import { DistributionModule } from '../distribution/distribution.module.js';
import { EditionsModule } from '../editions/editions.module.js';
import { GdprModule } from '../gdpr/gdpr.module.js';
import { ListsModule } from '../lists/lists.module.js';
import { NoticesModule } from '../notices/notices.module.js';
import { MemberAccountsModule } from '../member-accounts/member-accounts.module.js';
import { SchedulerJobs } from './scheduler.jobs.js';

/** Only the server process loads this module; the CLI and the tests call the services directly. */
@Module({
  imports: [
    ScheduleModule.forRoot(),
    AuditModule,
    BundlesModule,
    DistributionModule,
    EditionsModule,
    GdprModule,
    ListsModule,
    MemberAccountsModule,
    NoticesModule,
  ],
  providers: [SchedulerJobs],
})
export class SchedulerModule {}
