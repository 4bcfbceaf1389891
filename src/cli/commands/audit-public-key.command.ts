import { AuditSigningKey } from '../../audit/audit-signing-key.js';
import type { CliCommand } from '../command.js';

/**
 * The key auditors verify checkpoints with; prints the PEM above the JSON result. The key is a
 * setting or a file under DATA_DIR, so no database and no Nest context are started for it.
 */
export const auditPublicKeyCommand: CliCommand = {
  async runWithConfig(config, _options, io) {
    const key = new AuditSigningKey(config).publicKey();
    io.info(key.publicKeyPem.trimEnd());
    return key;
  },
};
