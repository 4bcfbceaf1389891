import { Module } from '@nestjs/common';
import { AccessRequestsModule } from '../access-requests/access-requests.module.js';
import { AuditModule } from '../audit/audit.module.js';
import { BundlesModule } from '../bundles/bundles.module.js';
import { ConsentModule } from '../consent/consent.module.js';
import { DataRequestsModule } from '../data-requests/data-requests.module.js';
import { EditionsModule } from '../editions/editions.module.js';
import { MemberAccountsModule } from '../member-accounts/member-accounts.module.js';
import { MembersModule } from '../members/members.module.js';
import { NetworksModule } from '../networks/networks.module.js';
import { NoticesModule } from '../notices/notices.module.js';
import { RecipientsModule } from '../recipients/recipients.module.js';
import { DataRequestsQueueService } from './data-requests-queue.service.js';
import { ErasureService } from './erasure.service.js';
import { GdprController } from './gdpr.controller.js';
import { MemberExportService } from './member-export.service.js';
import { ProcessingReportService } from './processing-report.service.js';
import { RetentionService } from './retention.service.js';

/**
 * GDPR rights over the whole system: it calls the feature services, each of which keeps its own SQL
 * and audit events. Features never import this module; the portal, the console and the scheduler do.
 */
@Module({
  imports: [
    AccessRequestsModule,
    AuditModule,
    BundlesModule,
    ConsentModule,
    DataRequestsModule,
    EditionsModule,
    MemberAccountsModule,
    MembersModule,
    NetworksModule,
    NoticesModule,
    RecipientsModule,
  ],
  controllers: [GdprController],
  providers: [ErasureService, MemberExportService, DataRequestsQueueService, ProcessingReportService, RetentionService],
  exports: [ErasureService, MemberExportService, DataRequestsQueueService, ProcessingReportService, RetentionService],
})
export class GdprModule {}
