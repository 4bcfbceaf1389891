import { AccountsService } from '../../accounts/accounts.service.js';
import { CLI_ACTOR } from '../../common/actor.js';
import { AccountsModule } from '../../accounts/accounts.module.js';
import { DomainError } from '../../common/domain-error.js';
import type { CliCommand } from '../command.js';

export const tokensCreateCommand: CliCommand = {
  modules: async () => [AccountsModule],
  async run(app, options) {
    const days = options.optional('expires-in-days');
    if (days !== undefined && !/^\d{1,4}$/.test(days)) {
      throw new DomainError('invalid', 'CLI_BAD_NUMBER', '--expires-in-days (expiresInDays) must be a whole number of days', 'expires-in-days');
    }
    const expiresInDays = days === undefined ? undefined : Number(days);
    const token = await app.get(AccountsService).createToken(CLI_ACTOR, options.required('email'), options.required('name'), expiresInDays);
    return { token: token.token, id: token.id, expiresAt: token.expiresAt };
  },
};
