import { readFile } from 'node:fs/promises';
import { AuditTraceService } from '../../audit/audit-trace.service.js';
import { CLI_ACTOR } from '../../common/actor.js';
import { DomainError } from '../../common/domain-error.js';
import { AuditModule } from '../../audit/audit.module.js';
import type { CliCommand } from '../command.js';

/** Which edition, recipient and time a leaked XLSX or PDF came from, from the audit log. */
export const auditTraceCommand: CliCommand = {
  modules: async () => [AuditModule],
  async run(app, options) {
    const path = options.required('file');
    let file: Buffer;
    try {
      file = await readFile(path);
    } catch {
      throw new DomainError('invalid', 'CLI_FILE_NOT_FOUND', `--file: ${path} cannot be read`, 'file');
    }
    return app.get(AuditTraceService).trace(CLI_ACTOR, file);
  },
};
