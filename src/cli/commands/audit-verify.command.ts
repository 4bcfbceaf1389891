import { createReadStream, existsSync, readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { verifyExport } from '../../audit/audit-export-verify.js';
import { parsePublicKey } from '../../audit/checkpoint-signature.js';
import { DomainError } from '../../common/domain-error.js';
import type { CommandOptions } from '../cli-args.js';
import type { CliCommand } from '../command.js';

/** A PEM file, a file holding the API's JSON, or the key itself in base64 or hex. */
function publicKeyOption(options: CommandOptions) {
  const value = options.required('public-key');
  const text = existsSync(value) ? readFileSync(value, 'utf8') : value;
  try {
    return parsePublicKey(text);
  } catch (error) {
    throw new DomainError('invalid', 'CLI_BAD_PUBLIC_KEY', `--public-key: ${(error as Error).message}`, 'public-key');
  }
}

/**
 * Without options: the live database (the chain and the stored checkpoints). With --file: an
 * exported JSONL log, offline, with no configuration or database. Exit 1 when the log is not intact.
 */
export const auditVerifyCommand: CliCommand = {
  // Imported when used, so checking a file offline loads no database code.
  modules: async () => [(await import('../../audit/audit.module.js')).AuditModule],
  async run(app, options) {
    if (options.optional('public-key') !== undefined) options.required('file');
    const { AuditService } = await import('../../audit/audit.service.js');
    return app.get(AuditService).verify();
  },
  offline: (options) => options.optional('file') !== undefined,
  async runOffline(options) {
    const file = options.required('file');
    const key = publicKeyOption(options);
    if (!existsSync(file)) throw new DomainError('invalid', 'CLI_FILE_NOT_FOUND', `--file: ${file} does not exist`, 'file');
    const lines = createInterface({ input: createReadStream(file, { encoding: 'utf8' }), crlfDelay: Infinity });
    try {
      return await verifyExport(lines, key);
    } finally {
      lines.close();
    }
  },
};
