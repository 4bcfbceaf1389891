import { AuditService } from '../../audit/audit.service.js';
import type { CliCommand } from '../command.js';

/** Exit 1 when the chain is broken: the runner treats `{ ok: false }` as a failure. */
export const auditVerifyCommand: CliCommand = {
  name: 'audit:verify',
  usage: 'audit:verify',
  options: [],
  async run(app) {
    return app.get(AuditService).verify();
  },
};
