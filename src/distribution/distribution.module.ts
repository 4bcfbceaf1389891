import { Module } from '@nestjs/common';
import { BundlesModule } from '../bundles/bundles.module.js';
import { EditionsModule } from '../editions/editions.module.js';
import { MembersModule } from '../members/members.module.js';
import { RecipientsModule } from '../recipients/recipients.module.js';
import { ContactListRenderer } from '../rendering/contact-list.renderer.js';
import { BundleBuilder } from './bundle-builder.js';
import { DistributionService } from './distribution.service.js';

@Module({
  imports: [BundlesModule, EditionsModule, MembersModule, RecipientsModule],
  providers: [BundleBuilder, DistributionService, ContactListRenderer],
  exports: [DistributionService],
})
export class DistributionModule {}
