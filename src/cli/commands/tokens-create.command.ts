import { AccountsService } from '../../accounts/accounts.service.js';
import { CLI_ACTOR } from '../../common/actor.js';
import type { CliCommand } from '../command.js';

export const tokensCreateCommand: CliCommand = {
  name: 'tokens:create',
  usage: 'tokens:create --email E --name N',
  options: ['email', 'name'],
  async run(app, options) {
    const token = await app.get(AccountsService).createToken(CLI_ACTOR, options.required('email'), options.required('name'));
    return { token: token.token, id: token.id };
  },
};
