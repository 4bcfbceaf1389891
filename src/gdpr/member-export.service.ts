import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AccessRequestsService } from '../access-requests/access-requests.service.js';
import { AuditService } from '../audit/audit.service.js';
import { MemberDownload } from '../bundles/member-download.js';
import { canReachNetwork, type Actor } from '../common/actor.js';
import { Clock } from '../common/clock.js';
import { forbidden } from '../common/domain-error.js';
import { AppConfig } from '../config/app-config.js';
import { ConsentService } from '../consent/consent.service.js';
import { DataRequestsService } from '../data-requests/data-requests.service.js';
import { RecipientsLedger } from '../editions/recipients-ledger.js';
import { MemberAuthService } from '../member-accounts/member-auth.service.js';
import { MembersService } from '../members/members.service.js';
import { NetworksService } from '../networks/networks.service.js';
import { RecipientsService } from '../recipients/recipients.service.js';
import { renderMemberExportPdf, type ExportLocale } from './member-export-pdf.renderer.js';
import type { MemberExport } from './member-export.js';

const SYSTEM = { type: 'system' } as const;

/**
 * Gathers the export from the features that own each part; key material (wrapped identity, session
 * secrets) stays out. Each export is an audit event.
 */
@Injectable()
export class MemberExportService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly members: MembersService,
    private readonly networks: NetworksService,
    private readonly consent: ConsentService,
    private readonly bundles: MemberDownload,
    private readonly editions: RecipientsLedger,
    private readonly recipients: RecipientsService,
    private readonly accounts: MemberAuthService,
    private readonly accessRequests: AccessRequestsService,
    private readonly dataRequests: DataRequestsService,
    private readonly audit: AuditService,
    private readonly config: AppConfig,
    private readonly clock: Clock,
  ) {}

  /** The member's own export (portal). */
  async forMember(memberId: string, format: 'json' | 'pdf'): Promise<MemberExport> {
    const data = await this.build(memberId);
    await this.recordExport({ type: 'member', id: memberId }, memberId, format, data.scope);
    return data;
  }

  /**
   * An export staff make for the member (a request by phone or letter). Admins get all of it; a
   * coordinator only the parts of the networks they coordinate, so no other network leaks.
   */
  async forStaff(actor: Actor, memberId: string, format: 'json' | 'pdf'): Promise<MemberExport> {
    if (actor.type === 'member' || (actor.type === 'staff' && actor.role === 'auditor')) throw forbidden();
    await this.members.get(actor, memberId);
    const scoped = actor.type === 'staff' && actor.role === 'coordinator';
    const data = await this.build(memberId, scoped ? (networkId) => canReachNetwork(actor, networkId) : undefined);
    await this.recordExport(actor, memberId, format, data.scope);
    return data;
  }

  renderPdf(data: MemberExport, locale: ExportLocale): Promise<Buffer> {
    return renderMemberExportPdf(data, { locale, timeZone: this.config.timeZone, orgName: this.config.orgName });
  }

  private async recordExport(actor: Actor, memberId: string, format: 'json' | 'pdf', scope: string): Promise<void> {
    await this.dataSource.transaction((tx) => this.audit.record(tx, actor, { action: 'member.data_exported', subjectType: 'member', subjectId: memberId, detail: { format, scope } }));
  }

  private async build(memberId: string, reach?: (networkId: string) => boolean): Promise<MemberExport> {
    const shown = (networkId: string) => !reach || reach(networkId);
    const { member, memberships } = await this.members.ownRecord(memberId);
    const networkIds = memberships.map((m) => m.networkId).filter(shown);
    const names = new Map(await Promise.all(networkIds.map(async (id) => [id, (await this.networks.get(SYSTEM, id)).name] as const)));
    const account = (await this.accounts.hasAccount(memberId)) ? await this.accounts.account(memberId) : null;
    return {
      exportedAt: this.clock.now().toISOString(),
      scope: reach ? 'networks' : 'full',
      member: {
        id: member.id,
        name: member.name,
        email: member.email,
        phone: member.phone,
        address: member.address,
        postalCode: member.postalCode,
        city: member.city,
        aboutMe: member.aboutMe,
        erasedAt: member.erasedAt,
      },
      memberships: memberships
        .filter((m) => shown(m.networkId))
        .map((m) => ({ networkId: m.networkId, network: names.get(m.networkId) ?? '', status: m.status, joinedAt: m.joinedAt.toISOString() })),
      consent: (await this.consent.ownHistory(memberId, networkIds)).map((c) => ({
        networkId: c.networkId,
        network: names.get(c.networkId) ?? '',
        id: c.id,
        kind: c.kind,
        fields: c.fields,
        consentTextVersion: c.consentTextVersion,
        channel: c.channel,
        recordedByType: c.recordedByType,
        recordedAt: c.recordedAt,
      })),
      account,
      keys: (await this.recipients.ownKeys(memberId)).map((k) => ({ kind: k.kind, recipient: k.recipient, fingerprint: k.fingerprint, source: k.source, createdAt: k.createdAt })),
      bundles: (await this.bundles.ofMember(memberId))
        .filter((b) => shown(b.networkId))
        .map((b) => ({
          bundleId: b.bundleId,
          networkId: b.networkId,
          networkName: b.networkName,
          listTitle: b.listTitle,
          editionAt: new Date(b.editionAt).toISOString(),
          expiresAt: new Date(b.expiresAt).toISOString(),
          state: b.state,
          downloadedAt: b.downloadedAt ? new Date(b.downloadedAt).toISOString() : null,
          files: (b.files ?? []).map((f) => f.name),
        })),
      listedInEditions: (await this.editions.listingMember(memberId)).filter((e) => shown(e.networkId)),
      accessRequests: (await this.accessRequests.ofEmail(member.email)).map((r) => ({
        id: r.id,
        channel: r.channel,
        name: r.name,
        email: r.email,
        state: r.state,
        createdAt: r.createdAt,
        decidedAt: r.decidedAt,
      })),
      dataRequests: await this.dataRequests.ofMember(memberId),
    };
  }
}
