import { CLI_ACTOR } from '../../common/actor.js';
import { BundleWorker } from '../../distribution/bundle-worker.js';
import { EditionQueries } from '../../editions/edition-queries.js';
import { PublishEdition } from '../../editions/publish-edition.js';
import { ListsService } from '../../lists/lists.service.js';
import { NetworksService } from '../../networks/networks.service.js';
import { NetworksModule } from '../../networks/networks.module.js';
import { ListsModule } from '../../lists/lists.module.js';
import { EditionsModule } from '../../editions/editions.module.js';
import { DistributionModule } from '../../distribution/distribution.module.js';
import type { CliCommand } from '../command.js';

const POLL_MS = 250;

/**
 * Publishes now and builds the bundles (sharing the work with any running server). Content and
 * recipients unchanged since the last edition publish nothing (EDITION_UNCHANGED) unless --force.
 */
export const publishCommand: CliCommand = {
  modules: async () => [NetworksModule, ListsModule, EditionsModule, DistributionModule],
  async run(app, options, io) {
    const network = await app.get(NetworksService).bySlug(CLI_ACTOR, options.required('network'));
    const list = await app.get(ListsService).bySlug(CLI_ACTOR, network.id, options.optional('list'));
    const editions = app.get(EditionQueries);
    const { edition } = await app.get(PublishEdition).publish(CLI_ACTOR, list.id, { force: options.flag('force') });
    if (edition.state === 'awaiting_approval') {
      io.info('The list requires approval: a coordinator must approve the edition before bundles are built.');
      return { editionId: edition.id, bundles: 0, state: edition.state };
    }
    const distribution = app.get(BundleWorker);
    for (;;) {
      await distribution.drain([edition.id]);
      const shown = await editions.show(CLI_ACTOR, edition.id);
      const p = shown.progress!;
      if (p.pending + p.building === 0 || shown.state === 'published') {
        return { editionId: edition.id, bundles: p.ready, waitingForKey: p.waitingForKey, failed: p.failed, state: shown.state };
      }
      // Another process holds some claims; wait for it (or for its lease to lapse).
      await new Promise((r) => setTimeout(r, POLL_MS));
    }
  },
};
