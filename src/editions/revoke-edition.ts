import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import type { Actor } from '../common/actor.js';
import { AuditService } from '../audit/audit.service.js';
import { RetireBundles } from '../bundles/retire-bundles.js';
import type { EditionDto } from './dto/edition.dto.js';
import type { EditionEntity } from './edition.entity.js';
import { assertCanWrite, EditionQueries } from './edition-queries.js';
import { EditionsRepository } from './editions.repository.js';

/** Withdrawing an edition: it and every live copy of it (see RetireBundles) are revoked. */
@Injectable()
export class RevokeEdition {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly repository: EditionsRepository,
    private readonly editions: EditionQueries,
    private readonly bundles: RetireBundles,
    private readonly audit: AuditService,
  ) {}

  /**
   * Revokes every live bundle, downloaded or not (a withdrawn edition is fetched by nobody again), and
   * deletes the files after the commit; the edition is marked revoked.
   */
  async revoke(actor: Actor, editionId: string): Promise<EditionDto> {
    assertCanWrite(actor);
    const edition = await this.editions.reachable(actor, editionId);
    const keys = await this.dataSource.transaction((tx) => this.revokeInTx(tx, actor, edition, 'revoked'));
    await this.bundles.deleteFiles(keys);
    return this.editions.show(actor, editionId);
  }

  /** Revokes an edition and all its live bundles in the caller's transaction; answers the files to delete after it. */
  async revokeInTx(
    tx: EntityManager,
    actor: Actor,
    edition: Pick<EditionEntity, 'id' | 'networkId'>,
    reason: 'revoked' | 'erasure' | 'corrected',
  ): Promise<string[]> {
    const { storageKeys, retired } = await this.bundles.retireEditions(tx, actor, [edition.id], reason);
    await this.repository.setState(tx, edition.id, 'revoked');
    await this.audit.record(tx, actor, {
      action: 'edition.revoked',
      subjectType: 'edition',
      subjectId: edition.id,
      networkId: edition.networkId,
      detail: { bundles: retired.length, reason },
    });
    return storageKeys;
  }
}
