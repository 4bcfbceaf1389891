import { writeFile } from 'node:fs/promises';
import { MemberDownload } from '../../bundles/member-download.js';
import { CLI_ACTOR } from '../../common/actor.js';
import { EditionQueries } from '../../editions/edition-queries.js';
import { MembersService } from '../../members/members.service.js';
import { EditionsModule } from '../../editions/editions.module.js';
import { MembersModule } from '../../members/members.module.js';
import { BundlesModule } from '../../bundles/bundles.module.js';
import type { CliCommand } from '../command.js';

/** Writes a member's encrypted bundle as it is stored (`.age`); only the member's key opens it. */
export const bundlesGetCommand: CliCommand = {
  modules: async () => [EditionsModule, MembersModule, BundlesModule],
  async run(app, options) {
    const editionId = options.uuid('edition');
    await app.get(EditionQueries).show(CLI_ACTOR, editionId);
    const memberId = await app.get(MembersService).idByEmail(CLI_ACTOR, options.required('member'));
    const out = options.required('out');
    const { bundle, data } = await app.get(MemberDownload).encryptedFile(editionId, memberId);
    await writeFile(out, data, { mode: 0o600 });
    return { bundleId: bundle.id, bytes: data.length, sha256: bundle.sha256, out };
  },
};
