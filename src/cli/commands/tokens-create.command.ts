import { AccountsService } from '../../accounts/accounts.service.js';
import { CLI_ACTOR } from '../../common/actor.js';
import { AccountsModule } from '../../accounts/accounts.module.js';
import type { CliCommand } from '../command.js';

export const tokensCreateCommand: CliCommand = {
  modules: async () => [AccountsModule],
  async run(app, options) {
    const token = await app.get(AccountsService).createToken(CLI_ACTOR, options.required('email'), options.required('name'));
    return { token: token.token, id: token.id };
  },
};
