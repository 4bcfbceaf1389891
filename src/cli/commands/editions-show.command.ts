import { CLI_ACTOR } from '../../common/actor.js';
import { EditionsService } from '../../editions/editions.service.js';
import type { CliCommand } from '../command.js';

export const editionsShowCommand: CliCommand = {
  name: 'editions:show',
  usage: 'editions:show --edition ID',
  options: ['edition'],
  async run(app, options) {
    return app.get(EditionsService).show(CLI_ACTOR, options.uuid('edition'));
  },
};
