import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { AuditExportService, type ExportFilter, type ExportFormat } from '../../audit/audit-export.service.js';
import { CLI_ACTOR } from '../../common/actor.js';
import { DomainError } from '../../common/domain-error.js';
import type { CommandOptions } from '../cli-args.js';
import { AuditModule } from '../../audit/audit.module.js';
import type { CliCommand } from '../command.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function filterOptions(options: CommandOptions): ExportFilter {
  const filter: ExportFilter = {};
  for (const [flag, key] of [['network-id', 'networkId'], ['member-id', 'memberId'], ['actor-id', 'actorId']] as const) {
    const value = options.optional(flag);
    if (value === undefined) continue;
    if (!UUID.test(value)) throw new DomainError('invalid', 'CLI_BAD_ID', `--${flag} must be an id (a UUID)`, flag);
    filter[key] = value.toLowerCase();
  }
  for (const flag of ['from', 'to'] as const) {
    const value = options.optional(flag);
    if (value === undefined) continue;
    const at = new Date(value);
    if (Number.isNaN(at.getTime())) throw new DomainError('invalid', 'CLI_BAD_DATE', `--${flag} must be a date such as 2026-01-31 or 2026-01-31T12:00:00Z`, flag);
    filter[flag] = at;
  }
  filter.action = options.optional('action');
  if (filter.action === undefined) delete filter.action;
  return filter;
}

/** Writes the log to --out (mode 0600, through a temporary name so a half-written file never looks whole). */
export const auditExportCommand: CliCommand = {
  modules: async () => [AuditModule],
  async run(app, options) {
    const format = options.required('format');
    if (format !== 'jsonl' && format !== 'csv') throw new DomainError('invalid', 'CLI_BAD_FORMAT', '--format must be jsonl or csv', 'format');
    const out = options.required('out');
    const opened = await app.get(AuditExportService).open(CLI_ACTOR, format as ExportFormat, filterOptions(options));
    const temporary = `${out}.partial`;
    const stream = createWriteStream(temporary, { mode: 0o600 });
    try {
      for await (const chunk of opened.chunks) {
        if (!stream.write(chunk)) await once(stream, 'drain');
      }
      stream.end();
      await once(stream, 'finish');
      await rename(temporary, out);
    } catch (error) {
      stream.destroy();
      await rm(temporary, { force: true });
      throw error;
    }
    const { header, written } = opened;
    return { out, format, toSeq: header.toSeq, filtered: header.filtered, events: written.events, checkpoints: written.checkpoints, keyId: header.publicKey.keyId };
  },
};
