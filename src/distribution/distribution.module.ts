import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module.js';
import { BundlesModule } from '../bundles/bundles.module.js';
import { EditionsModule } from '../editions/editions.module.js';
import { MembersModule } from '../members/members.module.js';
import { NoticesModule } from '../notices/notices.module.js';
import { RecipientsModule } from '../recipients/recipients.module.js';
import { ContactListRenderer } from '../rendering/contact-list.renderer.js';
import { BundleBuilder } from './bundle-builder.js';
import { BundleDelivery } from './bundle-delivery.js';
import { BundleWorker } from './bundle-worker.js';

@Module({
  imports: [AuditModule, BundlesModule, EditionsModule, MembersModule, NoticesModule, RecipientsModule],
  providers: [BundleBuilder, BundleDelivery, BundleWorker, ContactListRenderer],
  exports: [BundleWorker],
})
export class DistributionModule {}
