import { CLI_ACTOR } from '../../common/actor.js';
import { ProcessingReportService } from '../../gdpr/processing-report.service.js';
import type { CliCommand } from '../command.js';

/** Records of processing (art. 30) for a period, as JSON: per network and month, from the audit log. */
export const reportProcessingCommand: CliCommand = {
  name: 'report:processing',
  usage: 'report:processing --from YYYY-MM-DD --to YYYY-MM-DD   (to is exclusive; dates in the organisation\'s time zone)',
  options: ['from', 'to'],
  async run(app, options) {
    return app.get(ProcessingReportService).reportFor(CLI_ACTOR, options.required('from'), options.required('to'));
  },
};
