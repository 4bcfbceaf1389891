import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Clock } from '../common/clock.js';
import { notFound } from '../common/domain-error.js';
import { AuditService } from '../audit/audit.service.js';
import type { BundleEntity } from './bundle.entity.js';
import { bundleNotReady } from './bundles.errors.js';
import { BundlesRepository, type MemberBundleRow } from './bundles.repository.js';
import { AgeEncryptor } from './crypto/age-encryptor.js';
import { BundleStorage } from './storage/bundle-storage.js';

/**
 * Fetching a bundle: the member's own (portal and API, decrypted with the identity their password
 * unlocks, or the `.age` file as stored) and the stored file for the command line.
 */
@Injectable()
export class MemberDownload {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly repository: BundlesRepository,
    private readonly storage: BundleStorage,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    private readonly age: AgeEncryptor,
  ) {}

  /** The member's own bundles, newest edition first (revoked ones are not shown). */
  ofMember(memberId: string): Promise<MemberBundleRow[]> {
    return this.repository.ofMember(memberId);
  }

  /** The stored `.age` file of a member's bundle of an edition. */
  async encryptedFile(editionId: string, memberId: string): Promise<{ bundle: BundleEntity; data: Buffer }> {
    const bundle = await this.repository.findOf(editionId, memberId);
    if (!bundle) throw notFound('BUNDLE_NOT_FOUND', 'The bundle');
    if (bundle.state !== 'ready' || !bundle.storageKey) throw bundleNotReady();
    return { bundle, data: await this.storage.get(bundle.storageKey) };
  }

  /**
   * A member's download: the bundle must be addressed to them (anything else is "not found") and
   * ready. Each download is an audit event; the first sets downloaded_at.
   */
  async download(memberId: string, bundleId: string, what: 'zip' | 'age' | 'xlsx' | 'pdf', identity?: string): Promise<{ data: Buffer; bundle: BundleEntity }> {
    const bundle = await this.repository.findOfMember(bundleId, memberId);
    if (!bundle || bundle.state === 'revoked') throw notFound('BUNDLE_NOT_FOUND', 'The bundle');
    if (bundle.state !== 'ready' || !bundle.storageKey) throw bundleNotReady();
    const encrypted = await this.storage.get(bundle.storageKey);
    let data = encrypted;
    if (what !== 'age') {
      if (!identity) throw bundleNotReady();
      data = await this.age.decryptWithIdentity(encrypted, identity);
    }
    await this.dataSource.transaction(async (tx) => {
      await this.repository.markDownloaded(tx, bundle.id, this.clock.now());
      await this.audit.record(tx, { type: 'member', id: memberId }, {
        action: 'bundle.downloaded',
        subjectType: 'bundle',
        subjectId: bundle.id,
        detail: { editionId: bundle.editionId, memberId, file: what },
      });
    });
    return { data, bundle };
  }
}
