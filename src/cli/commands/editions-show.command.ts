import { CLI_ACTOR } from '../../common/actor.js';
import { EditionsService } from '../../editions/editions.service.js';
import { EditionsModule } from '../../editions/editions.module.js';
import type { CliCommand } from '../command.js';

export const editionsShowCommand: CliCommand = {
  modules: async () => [EditionsModule],
  async run(app, options) {
    return app.get(EditionsService).show(CLI_ACTOR, options.uuid('edition'));
  },
};
