import { Module } from '@nestjs/common';
import { MailIntakeJob } from './mail-intake.job.js';
import { MailIntakeModule } from './mail-intake.module.js';

/** Only the server process runs the reader; the CLI and the tests call MailIntakeService directly. */
@Module({
  imports: [MailIntakeModule],
  providers: [MailIntakeJob],
})
export class MailIntakeJobsModule {}
