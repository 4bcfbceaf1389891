import { CLI_ACTOR } from '../../common/actor.js';
import { ProcessingReportService } from '../../gdpr/processing-report.service.js';
import { GdprModule } from '../../gdpr/gdpr.module.js';
import type { CliCommand } from '../command.js';

/** Records of processing (art. 30) for a period, as JSON: per network and month, from the audit log. */
export const reportProcessingCommand: CliCommand = {
  modules: async () => [GdprModule],
  async run(app, options) {
    return app.get(ProcessingReportService).reportFor(CLI_ACTOR, options.required('from'), options.required('to'));
  },
};
