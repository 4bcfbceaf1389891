import { AuditCheckpointsService } from '../../audit/audit-checkpoints.service.js';
import type { CliCommand } from '../command.js';

/** The key auditors verify checkpoints with; prints the PEM above the JSON result. */
export const auditPublicKeyCommand: CliCommand = {
  name: 'audit:public-key',
  usage: 'audit:public-key',
  options: [],
  async run(app, _options, io) {
    const key = app.get(AuditCheckpointsService).publicKey();
    io.info(key.publicKeyPem.trimEnd());
    return key;
  },
};
