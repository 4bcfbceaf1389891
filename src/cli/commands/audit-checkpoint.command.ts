import { AuditCheckpointsService } from '../../audit/audit-checkpoints.service.js';
import { CLI_ACTOR } from '../../common/actor.js';
import { AuditModule } from '../../audit/audit.module.js';
import type { CliCommand } from '../command.js';

/** Signs the head of the audit log now (the server also does so every hour). */
export const auditCheckpointCommand: CliCommand = {
  modules: async () => [AuditModule],
  async run(app) {
    return app.get(AuditCheckpointsService).create(CLI_ACTOR);
  },
};
