import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuditModule } from '../audit/audit.module.js';
import { AppConfig } from '../config/app-config.js';
import { EmlFileMailTransport, MailTransport, SmtpMailTransport } from './mail-transport.js';
import { NoticesRepository } from './notices.repository.js';
import { NoticesService } from './notices.service.js';
import { OutboxMailEntity } from './outbox-mail.entity.js';

/** The e-mail outbox. Imports no feature module: features call it, never the other way round. */
@Module({
  imports: [TypeOrmModule.forFeature([OutboxMailEntity]), AuditModule],
  providers: [
    NoticesRepository,
    NoticesService,
    {
      provide: MailTransport,
      inject: [AppConfig],
      useFactory: (config: AppConfig): MailTransport => (config.smtpUrl ? new SmtpMailTransport(config.smtpUrl) : new EmlFileMailTransport(config.dataDir)),
    },
  ],
  exports: [NoticesService],
})
export class NoticesModule {}
