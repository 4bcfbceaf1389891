import type { INestApplication } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { AccountsService } from '../../src/accounts/accounts.service.js';
import { CLI_ACTOR, type StaffRole } from '../../src/common/actor.js';
import { ConsentService } from '../../src/consent/consent.service.js';
import type { MemberField } from '../../src/members/member-fields.js';
import { MembersService } from '../../src/members/members.service.js';
import { NetworksService } from '../../src/networks/networks.service.js';

export const unique = () => randomBytes(4).toString('hex');

export const STAFF_PASSWORD = 'correct horse battery staple';

export async function insertNetwork(app: INestApplication, name = `Netværk ${unique()}`) {
  return app.get(NetworksService).create(CLI_ACTOR, { slug: `net-${unique()}`, name });
}

export async function insertStaff(app: INestApplication, role: StaffRole, networkIds: string[] = []) {
  const accounts = app.get(AccountsService);
  const email = `${role}.${unique()}@staff.example.org`;
  const staff = await accounts.createStaff(CLI_ACTOR, { email, password: STAFF_PASSWORD, role, networkIds });
  const { token } = await accounts.createToken(CLI_ACTOR, email, 'test');
  return { ...staff, token, password: STAFF_PASSWORD };
}

export async function insertMember(
  app: INestApplication,
  networkId: string,
  overrides: Partial<{ name: string; email: string; phone: string; city: string; aboutMe: string }> = {},
) {
  const id = unique();
  return app.get(MembersService).create(CLI_ACTOR, networkId, {
    name: `Medlem ${id}`,
    email: `member.${id}@example.org`,
    phone: '+4520123456',
    city: 'Odense C',
    ...overrides,
  });
}

export async function insertConsentText(app: INestApplication, networkId: string) {
  return app.get(ConsentService).createText(CLI_ACTOR, networkId, { body: `Samtykketekst ${unique()}` });
}

export async function grantConsent(app: INestApplication, networkId: string, memberId: string, fields: MemberField[], version = 1) {
  return app.get(ConsentService).record(CLI_ACTOR, networkId, memberId, { fields, consentTextVersion: version, channel: 'paper' });
}
