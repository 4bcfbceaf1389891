import { readFile, stat } from 'node:fs/promises';
import { CLI_ACTOR } from '../../common/actor.js';
import { ValidationFailedError } from '../../common/domain-error.js';
import { MembersService } from '../../members/members.service.js';
import { NetworksService } from '../../networks/networks.service.js';
import { NetworksModule } from '../../networks/networks.module.js';
import { MembersModule } from '../../members/members.module.js';
import type { CliCommand } from '../command.js';

const MAX_FILE_BYTES = 20 * 1024 * 1024;

export const membersImportCommand: CliCommand = {
  modules: async () => [NetworksModule, MembersModule],
  async run(app, options) {
    const network = await app.get(NetworksService).bySlug(CLI_ACTOR, options.required('network'));
    const path = options.required('file');
    const info = await stat(path).catch(() => undefined);
    if (!info?.isFile()) throw new ValidationFailedError([{ field: 'file', code: 'FILE_NOT_FOUND', message: 'file does not exist or is not a file' }]);
    if (info.size > MAX_FILE_BYTES) {
      throw new ValidationFailedError([{ field: 'file', code: 'FILE_TOO_LARGE', message: 'file is larger than 20 MB' }]);
    }
    const result = await app.get(MembersService).importFile(CLI_ACTOR, network.id, await readFile(path), { dryRun: options.flag('dry-run') });
    return { network: network.slug, ...result };
  },
};
