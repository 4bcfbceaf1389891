import { CLI_ACTOR } from '../../common/actor.js';
import { EditionQueries } from '../../editions/edition-queries.js';
import { EditionsModule } from '../../editions/editions.module.js';
import type { CliCommand } from '../command.js';

export const editionsShowCommand: CliCommand = {
  modules: async () => [EditionsModule],
  async run(app, options) {
    return app.get(EditionQueries).show(CLI_ACTOR, options.uuid('edition'));
  },
};
