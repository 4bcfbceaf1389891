import { Module } from '@nestjs/common';
import { AccessRequestsModule } from '../access-requests/access-requests.module.js';
import { NoticesModule } from '../notices/notices.module.js';
import { MailIntakeRepository } from './mail-intake.repository.js';
import { MailIntakeService } from './mail-intake.service.js';
import { MailboxConnector } from './mailbox-connector.js';
import { MailboxHealthService } from './mailbox-health.service.js';

/** Access requests by e-mail: the mailbox reader (IMAP_URL), its use case and its health. */
@Module({
  imports: [AccessRequestsModule, NoticesModule],
  providers: [MailIntakeRepository, MailIntakeService, MailboxConnector, MailboxHealthService],
  exports: [MailIntakeService, MailboxHealthService, MailIntakeRepository],
})
export class MailIntakeModule {}
