import { Injectable } from '@nestjs/common';
import { MemberDownload } from '../bundles/member-download.js';
import { ConsentService } from '../consent/consent.service.js';
import { DataRequestsService } from '../data-requests/data-requests.service.js';
import { RecipientsLedger } from '../editions/recipients-ledger.js';
import { MemberExportService } from '../gdpr/member-export.service.js';
import type { MemberExport } from '../gdpr/member-export.js';
import { MembersService } from '../members/members.service.js';
import { NetworksService } from '../networks/networks.service.js';
import type { ConsentSection, LedgerRow, MessageRow } from './views/member-pages.js';

const SYSTEM = { type: 'system' } as const;

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

  async messages(memberId: string): Promise<MessageRow[]> {
    return (await this.bundles.ofMember(memberId)).map((b) => ({
      bundleId: b.bundleId,
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

  /** Sets consent from the portal form; only networks the member is in (others are "not found"). */
  async setConsent(memberId: string, networkId: string, fields: string[]): Promise<void> {
    await this.consent.recordByMember(memberId, networkId, fields);
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
