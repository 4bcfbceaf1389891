import { Injectable } from '@nestjs/common';
import { MemberDownload } from '../bundles/member-download.js';
import { ConsentService } from '../consent/consent.service.js';
import { DataRequestsService } from '../data-requests/data-requests.service.js';
import { RecipientsLedger } from '../editions/recipients-ledger.js';
import { MemberExportService } from '../gdpr/member-export.service.js';
import type { MemberExport } from '../gdpr/member-export.js';
import { MembersService } from '../members/members.service.js';
import { NetworksService } from '../networks/networks.service.js';
import { ValidationFailedError } from '../common/domain-error.js';
import { MEMBER_FIELDS } from '../members/member-fields.js';
import { formatPhone } from '../common/phone-format.js';
import type { ConsentSection, FieldValues, LedgerRow, MessageRow } from './views/member-pages.js';

const SYSTEM = { type: 'system' } as const;

type MemberBundleRow = Awaited<ReturnType<MemberDownload['ofMember']>>[number];

/** The contact fields a member corrects in the portal (the e-mail is the login and stays out). */
export type ContactField = 'name' | 'phone' | 'address' | 'postal_code' | 'city' | 'about_me';

/** What the member's own pages show, gathered from the features that own each part. */
@Injectable()
export class MyDataService {
  constructor(
    private readonly members: MembersService,
    private readonly networks: NetworksService,
    private readonly consent: ConsentService,
    private readonly bundles: MemberDownload,
    private readonly editions: RecipientsLedger,
    private readonly dataRequests: DataRequestsService,
    private readonly exports: MemberExportService,
  ) {}

  /**
   * One row per list: its newest edition. Older editions retire when a newer bundle is ready, but the
   * page does not rely on it; while the newest is still being built, the newest ready one is shown.
   */
  async messages(memberId: string): Promise<MessageRow[]> {
    const byList = new Map<string, MemberBundleRow[]>();
    for (const b of await this.bundles.ofMember(memberId)) byList.set(b.listId, [...(byList.get(b.listId) ?? []), b]);
    const shown = [...byList.values()].map((editions) => {
      const [newest] = editions; // the rows come newest edition first
      const building = newest.state !== 'ready' && newest.state !== 'expired';
      return (building && editions.find((b) => b.state === 'ready')) || newest;
    });
    return shown.map((b) => ({
      bundleId: b.bundleId,
      listId: b.listId,
      timeZone: b.timeZone,
      networkName: b.networkName,
      listTitle: b.listTitle,
      editionAt: new Date(b.editionAt).toISOString(),
      expiresAt: new Date(b.expiresAt).toISOString(),
      state: b.state,
      downloadedAt: b.downloadedAt ? new Date(b.downloadedAt).toISOString() : null,
      files: (b.files ?? []).map((f) => f.name),
    }));
  }

  /** Consent per network the member is in (not those they left). */
  async consentSections(memberId: string): Promise<ConsentSection[]> {
    const { memberships } = await this.members.ownRecord(memberId);
    const networkIds = memberships.filter((m) => m.status !== 'left').map((m) => m.networkId);
    const sections = await this.consent.ownConsent(memberId, networkIds);
    return Promise.all(
      sections.map(async (s) => ({
        networkId: s.networkId,
        networkName: (await this.networks.get(SYSTEM, s.networkId)).name,
        text: s.text ? { version: s.text.version, body: s.text.body } : null,
        fields: s.fields,
        since: s.since,
      })),
    );
  }

  /** The member's stored contact values by field, as "Mit samtykke" shows them beside each tick. */
  async fieldValues(memberId: string): Promise<FieldValues> {
    const { member: m } = await this.members.ownRecord(memberId);
    return {
      name: m.name,
      email: m.email,
      phone: m.phone ? formatPhone(m.phone) : m.phone, // as people write it; stored as E.164
      address: m.address,
      postal_code: m.postalCode,
      city: m.city,
      about_me: m.aboutMe,
    };
  }

  /**
   * Sets consent from the portal form; only networks the member is in (others are "not found").
   * A field with nothing stored cannot be agreed to: the list would show an empty cell for a tick.
   */
  async setConsent(memberId: string, networkId: string, fields: string[]): Promise<void> {
    const values = await this.fieldValues(memberId);
    const empty = MEMBER_FIELDS.filter((f) => fields.includes(f) && !values[f]);
    if (empty.length) {
      const problems = empty.map((f) => ({ field: f, code: 'CONSENT_FIELD_EMPTY', message: 'Nothing is stored in this field' }));
      throw new ValidationFailedError(problems);
    }
    await this.consent.recordByMember(memberId, networkId, fields);
  }

  /** The member's own correction of their contact details (audited like a staff edit; e-mail stays out). */
  correctContact(memberId: string, input: Record<ContactField, string>): Promise<{ fields: string[] }> {
    // An emptied optional field is removed (null); the name stays required by the members' validation.
    const optional = (v: string) => (v.trim() === '' ? null : v);
    return this.members.correctOwn(memberId, {
      name: input.name,
      phone: optional(input.phone),
      address: optional(input.address),
      postalCode: optional(input.postal_code),
      city: optional(input.city),
      aboutMe: optional(input.about_me),
    });
  }

  async ledger(memberId: string): Promise<LedgerRow[]> {
    return (await this.editions.listingMember(memberId)).map((e) => ({ networkName: e.networkName, listTitle: e.listTitle, at: e.at, recipientCount: e.recipientCount }));
  }

  async erasureOpen(memberId: string): Promise<boolean> {
    return (await this.dataRequests.ofMember(memberId)).some((r) => r.kind === 'erasure' && r.state === 'open');
  }

  requestErasure(memberId: string): Promise<void> {
    return this.dataRequests.requestErasure(memberId);
  }

  /** Art. 15: everything stored about the member, as one JSON document. Key material stays out. */
  export(memberId: string, format: 'json' | 'pdf' = 'json'): Promise<MemberExport> {
    return this.exports.forMember(memberId, format);
  }

  /** The same export as a readable PDF, in the member's language. */
  async exportPdf(memberId: string, locale: 'da' | 'en'): Promise<Buffer> {
    return this.exports.renderPdf(await this.export(memberId, 'pdf'), locale);
  }
}
