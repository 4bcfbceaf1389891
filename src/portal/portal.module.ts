import { Module } from '@nestjs/common';
import { AccessRequestsModule } from '../access-requests/access-requests.module.js';
import { BundlesModule } from '../bundles/bundles.module.js';
import { ConsentModule } from '../consent/consent.module.js';
import { DataRequestsModule } from '../data-requests/data-requests.module.js';
import { DistributionModule } from '../distribution/distribution.module.js';
import { EditionsModule } from '../editions/editions.module.js';
import { GdprModule } from '../gdpr/gdpr.module.js';
import { MemberAccountsModule } from '../member-accounts/member-accounts.module.js';
import { MembersModule } from '../members/members.module.js';
import { NetworksModule } from '../networks/networks.module.js';
import { RecipientsModule } from '../recipients/recipients.module.js';
import { AssetsController } from './assets.controller.js';
import { MemberSessionGuard } from './member-session.guard.js';
import { MyDataService } from './my-data.service.js';
import { PortalExceptionFilter } from './portal-exception.filter.js';
import { PortalProfileController } from './portal-profile.controller.js';
import { PortalPublicController } from './portal-public.controller.js';
import { PortalController } from './portal.controller.js';

/** The member portal: server-rendered pages in Danish and English that work without JavaScript. */
@Module({
  imports: [
    AccessRequestsModule,
    BundlesModule,
    ConsentModule,
    DataRequestsModule,
    DistributionModule,
    EditionsModule,
    GdprModule,
    MemberAccountsModule,
    MembersModule,
    NetworksModule,
    RecipientsModule,
  ],
  controllers: [PortalPublicController, PortalController, PortalProfileController, AssetsController],
  providers: [MyDataService, MemberSessionGuard, PortalExceptionFilter],
})
export class PortalModule {}
