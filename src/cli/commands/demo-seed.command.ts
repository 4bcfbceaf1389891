import { randomBytes } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { AccountsService } from '../../accounts/accounts.service.js';
import { AgeEncryptor } from '../../bundles/crypto/age-encryptor.js';
import { ActivationService } from '../../member-accounts/activation.service.js';
import { AppConfig } from '../../config/app-config.js';
import { RecipientsService } from '../../recipients/recipients.service.js';
import { CLI_ACTOR } from '../../common/actor.js';
import { ConsentService } from '../../consent/consent.service.js';
import { ListsService } from '../../lists/lists.service.js';
import { MEMBER_FIELDS, type MemberField } from '../../members/member-fields.js';
import { MembersService } from '../../members/members.service.js';
import { NetworksService } from '../../networks/networks.service.js';
import { AccountsModule } from '../../accounts/accounts.module.js';
import { BundlesModule } from '../../bundles/bundles.module.js';
import { MemberAccountsModule } from '../../member-accounts/member-accounts.module.js';
import { RecipientsModule } from '../../recipients/recipients.module.js';
import { ConsentModule } from '../../consent/consent.module.js';
import { ListsModule } from '../../lists/lists.module.js';
import { MembersModule } from '../../members/members.module.js';
import { NetworksModule } from '../../networks/networks.module.js';
import type { CliCommand } from '../command.js';
import { ABOUT_ME, CITIES, FIRST_NAMES, LAST_NAMES, STREETS } from '../demo-names.js';

const CONSENT_TEXT =
  'Jeg giver samtykke til, at de felter jeg har valgt, vises for de andre medlemmer af netværket på den ' +
  'kontaktliste, der sendes krypteret til medlemmerne. Jeg kan til enhver tid trække samtykket tilbage.';

/** A small deterministic generator, so a seed run is reproducible when --seed is given. */
function rng(seed: number) {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 0x1_0000_0000;
  };
}

export const demoSeedCommand: CliCommand = {
  modules: async () => [
    AccountsModule, BundlesModule, MemberAccountsModule, RecipientsModule, ConsentModule, ListsModule, MembersModule, NetworksModule,
  ],
  async run(app, options, io) {
    const memberCount = options.integer('members', 50, 1, 100_000);
    const networkCount = options.integer('networks', 2, 1, 50);
    const accountCount = options.integer('accounts', 3, 0, 20);
    const random = rng(options.integer('seed', Date.now() % 1_000_000_007, 0, 2 ** 31));
    const pick = <T>(list: readonly T[]) => list[Math.floor(random() * list.length)];
    const run = randomBytes(3).toString('hex');
    const networks = app.get(NetworksService);
    const members = app.get(MembersService);
    const consent = app.get(ConsentService);
    const recipients = app.get(RecipientsService);

    // One demo key for every demo member, so a coordinator can open any demo bundle with `age -d`.
    // Real members register their own public keys; their secret keys never reach the server.
    const demoKey = await app.get(AgeEncryptor).generateIdentity();
    const keyDir = resolve(app.get(AppConfig).dataDir, 'demo');
    await mkdir(keyDir, { recursive: true, mode: 0o700 });
    const identityFile = join(keyDir, `identity-${run}.txt`);
    await writeFile(identityFile, `# listebud demo key for run ${run}: opens every demo bundle of this run\n${demoKey.identity}\n`, { mode: 0o600 });

    const created: { slug: string; id: string }[] = [];
    for (let k = 1; k <= networkCount; k++) {
      const network = await networks.create(CLI_ACTOR, { slug: `demo-${run}-${k}`, name: `Demonetværk ${k} (${run})` });
      await consent.createText(CLI_ACTOR, network.id, { body: CONSENT_TEXT });
      await app.get(ListsService).create(CLI_ACTOR, network.id, { slug: 'kontaktliste', title: `Kontaktliste – Demonetværk ${k}`, schedule: '0 7 1 * *' });
      created.push({ slug: network.slug, id: network.id });
    }
    let consenting = 0;
    let exampleMember: string | undefined;
    // Demo portal accounts: synthetic people with a generated password, printed once below.
    const memberLogins: { email: string; password: string; network: string }[] = [];
    for (let i = 0; i < memberCount; i++) {
      const network = created[i % created.length];
      const first = pick(FIRST_NAMES);
      const last = pick(LAST_NAMES);
      const [postalCode, city] = pick(CITIES);
      const member = await members.create(CLI_ACTOR, network.id, {
        name: `${first} ${last}`,
        email: `demo.${run}.${i + 1}@example.org`,
        phone: `+45${String(20_000_000 + Math.floor(random() * 79_999_999))}`,
        address: `${pick(STREETS)} ${1 + Math.floor(random() * 200)}`,
        postalCode,
        city,
        aboutMe: pick(ABOUT_ME) || undefined,
      });
      await recipients.add(CLI_ACTOR, member.id, demoKey.recipient);
      // Most demo members consent to name, e-mail and a random selection of the rest; some never do.
      if (random() < 0.85) {
        const fields: MemberField[] = MEMBER_FIELDS.filter((f) => f === 'name' || f === 'email' || random() < 0.6);
        await consent.record(CLI_ACTOR, network.id, member.id, { fields, consentTextVersion: 1, channel: 'paper', note: 'demo data' });
        consenting++;
        exampleMember ??= member.email ?? undefined;
        if (memberLogins.length < accountCount) {
          const password = `demo-${run}-${randomBytes(6).toString('base64url')}`;
          await app.get(ActivationService).activateForDemo(CLI_ACTOR, member.id, password);
          memberLogins.push({ email: member.email, password, network: network.slug });
        }
      }
      if ((i + 1) % 500 === 0) io.info(`${i + 1} of ${memberCount} members`);
    }
    const coordinator = { email: `koordinator.${run}@example.org`, password: `demo-${run}-${randomBytes(6).toString('base64url')}` };
    await app.get(AccountsService).createStaff(CLI_ACTOR, { ...coordinator, role: 'coordinator', networkIds: created.map((n) => n.id) });
    return { networks: created.map((n) => n.slug), members: memberCount, consenting, exampleMember, identityFile, memberLogins, coordinator, portal: `${app.get(AppConfig).baseUrl}/portal` };
  },
};
