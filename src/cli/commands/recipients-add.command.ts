import { CLI_ACTOR } from '../../common/actor.js';
import { MembersService } from '../../members/members.service.js';
import { RecipientsService } from '../../recipients/recipients.service.js';
import type { CliCommand } from '../command.js';

export const recipientsAddCommand: CliCommand = {
  name: 'recipients:add',
  usage: 'recipients:add --member EMAIL --recipient "age1... | ssh-ed25519 AAAA..."',
  options: ['member', 'recipient'],
  async run(app, options) {
    const memberId = await app.get(MembersService).idByEmail(CLI_ACTOR, options.required('member'));
    const recipient = await app.get(RecipientsService).add(CLI_ACTOR, memberId, options.required('recipient'));
    return { recipientId: recipient.id, kind: recipient.kind, fingerprint: recipient.fingerprint };
  },
};
