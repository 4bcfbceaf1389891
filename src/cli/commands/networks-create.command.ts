import { CLI_ACTOR } from '../../common/actor.js';
import { NetworksService } from '../../networks/networks.service.js';
import { NetworksModule } from '../../networks/networks.module.js';
import type { CliCommand } from '../command.js';

export const networksCreateCommand: CliCommand = {
  modules: async () => [NetworksModule],
  async run(app, options) {
    const { ValidationFailedError } = await import('../../common/domain-error.js');
    const slug = options.required('slug');
    const name = options.required('name');
    if (!/^[a-z0-9]+(-[a-z0-9]+)*$/.test(slug) || slug.length > 60) {
      throw new ValidationFailedError([{ field: 'slug', code: 'INVALID_SLUG', message: 'slug may only hold lower-case letters, digits and single hyphens (max 60)' }]);
    }
    if (name.trim().length === 0 || name.length > 200) {
      throw new ValidationFailedError([{ field: 'name', code: 'INVALID_NAME', message: 'name must be 1 to 200 characters' }]);
    }
    const network = await app.get(NetworksService).create(CLI_ACTOR, { slug, name: name.trim() });
    return { networkId: network.id, slug: network.slug };
  },
};
