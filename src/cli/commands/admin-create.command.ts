import { AccountsService } from '../../accounts/accounts.service.js';
import { CLI_ACTOR } from '../../common/actor.js';
import { AccountsModule } from '../../accounts/accounts.module.js';
import type { CliCommand } from '../command.js';

export const adminCreateCommand: CliCommand = {
  modules: async () => [AccountsModule],
  async run(app, options, io) {
    const password = (await io.readStdin()).replace(/\r?\n$/, '');
    const staff = await app.get(AccountsService).createStaff(CLI_ACTOR, { email: options.required('email'), password, role: 'admin' });
    return { id: staff.id, role: staff.role };
  },
};
