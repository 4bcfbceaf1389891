import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuditModule } from '../audit/audit.module.js';
import { AppConfig } from '../config/app-config.js';
import { NoticesModule } from '../notices/notices.module.js';
import { BundleEntity } from './bundle.entity.js';
import { BundlesRepository } from './bundles.repository.js';
import { BundlesService } from './bundles.service.js';
import { AgeEncryptor } from './crypto/age-encryptor.js';
import { BundleStorage } from './storage/bundle-storage.js';
import { LocalBundleStorage } from './storage/local-bundle-storage.js';

@Module({
  imports: [TypeOrmModule.forFeature([BundleEntity]), AuditModule, NoticesModule],
  providers: [
    BundlesRepository,
    BundlesService,
    AgeEncryptor,
    {
      provide: BundleStorage,
      inject: [AppConfig],
      // The AWS SDK is loaded only when the object store is configured.
      useFactory: async (config: AppConfig): Promise<BundleStorage> =>
        config.s3 ? new (await import('./storage/s3-bundle-storage.js')).S3BundleStorage(config.s3) : new LocalBundleStorage(config.dataDir),
    },
  ],
  exports: [BundlesService, AgeEncryptor, BundleStorage],
})
export class BundlesModule {}
