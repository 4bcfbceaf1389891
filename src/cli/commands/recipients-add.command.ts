import { CLI_ACTOR } from '../../common/actor.js';
import { MembersService } from '../../members/members.service.js';
import { RecipientsService } from '../../recipients/recipients.service.js';
import { MembersModule } from '../../members/members.module.js';
import { RecipientsModule } from '../../recipients/recipients.module.js';
import type { CliCommand } from '../command.js';

export const recipientsAddCommand: CliCommand = {
  modules: async () => [MembersModule, RecipientsModule],
  async run(app, options) {
    const memberId = await app.get(MembersService).idByEmail(CLI_ACTOR, options.required('member'));
    const recipient = await app.get(RecipientsService).add(CLI_ACTOR, memberId, options.required('recipient'));
    return { recipientId: recipient.id, kind: recipient.kind, fingerprint: recipient.fingerprint };
  },
};
