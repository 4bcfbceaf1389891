import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuditModule } from '../audit/audit.module.js';
import { AppConfig } from '../config/app-config.js';
import { BundleEntity } from './bundle.entity.js';
import { BundleQueue } from './bundle-queue.js';
import { BundleQueueRepository } from './bundle-queue.repository.js';
import { BundlesRepository } from './bundles.repository.js';
import { AgeEncryptor } from './crypto/age-encryptor.js';
import { MemberDownload } from './member-download.js';
import { RetireBundles } from './retire-bundles.js';
import { BundleStorage } from './storage/bundle-storage.js';
import { LocalBundleStorage } from './storage/local-bundle-storage.js';

@Module({
  imports: [TypeOrmModule.forFeature([BundleEntity]), AuditModule],
  providers: [
    BundleQueueRepository,
    BundlesRepository,
    BundleQueue,
    RetireBundles,
    MemberDownload,
    AgeEncryptor,
    {
      provide: BundleStorage,
      inject: [AppConfig],
      // The AWS SDK is loaded only when the object store is configured.
      useFactory: async (config: AppConfig): Promise<BundleStorage> =>
        config.s3 ? new (await import('./storage/s3-bundle-storage.js')).S3BundleStorage(config.s3) : new LocalBundleStorage(config.dataDir),
    },
  ],
  exports: [BundleQueue, RetireBundles, MemberDownload, AgeEncryptor, BundleStorage],
})
export class BundlesModule {}
