import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager, IsNull, MoreThan } from 'typeorm';
import { ApiTokenEntity, StaffAccountEntity, StaffNetworkEntity } from './staff-account.entity.js';

@Injectable()
export class AccountsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  private manager(tx?: EntityManager) {
    return tx ?? this.dataSource.manager;
  }

  findByEmail(email: string, tx?: EntityManager) {
    return this.manager(tx).findOneBy(StaffAccountEntity, { email });
  }

  findById(id: string, tx?: EntityManager) {
    return this.manager(tx).findOneBy(StaffAccountEntity, { id });
  }

  list() {
    return this.manager().find(StaffAccountEntity, { order: { email: 'ASC' } });
  }

  async networkIdsOf(staffId: string, tx?: EntityManager): Promise<string[]> {
    const rows = await this.manager(tx).find(StaffNetworkEntity, { where: { staffId } });
    return rows.map((r) => r.networkId).sort();
  }

  async countExistingNetworks(ids: string[], tx: EntityManager): Promise<number> {
    if (ids.length === 0) return 0;
    const rows: { n: string }[] = await tx.query('SELECT count(*) AS n FROM network WHERE id = ANY($1::uuid[])', [ids]);
    return Number(rows[0].n);
  }

  async insert(tx: EntityManager, account: StaffAccountEntity): Promise<void> {
    await tx.insert(StaffAccountEntity, account);
  }

  async replaceNetworks(tx: EntityManager, staffId: string, networkIds: string[]): Promise<void> {
    await tx.delete(StaffNetworkEntity, { staffId });
    if (networkIds.length) await tx.insert(StaffNetworkEntity, networkIds.map((networkId) => ({ staffId, networkId })));
  }

  async updateTotp(tx: EntityManager, id: string, patch: { totpSecret: string | null; totpEnabledAt: Date | null }, at: Date): Promise<void> {
    await tx.update(StaffAccountEntity, { id }, { ...patch, updatedAt: at });
  }

  async insertToken(tx: EntityManager, token: ApiTokenEntity): Promise<void> {
    await tx.insert(ApiTokenEntity, token);
  }

  findLiveToken(tokenHash: string, now: Date) {
    return this.manager().findOneBy(ApiTokenEntity, { tokenHash, revokedAt: IsNull(), expiresAt: MoreThan(now) });
  }
  tokensOf(staffId: string) {
    return this.manager().find(ApiTokenEntity, { where: { staffId }, order: { createdAt: 'DESC', id: 'ASC' } });
  }
  findTokenForUpdate(tx: EntityManager, id: string) {
    return tx.findOne(ApiTokenEntity, { where: { id }, lock: { mode: 'pessimistic_write' } });
  }
  async revokeToken(tx: EntityManager, id: string, at: Date): Promise<void> {
    await tx.update(ApiTokenEntity, { id }, { revokedAt: at });
  }
  findByIdForUpdate(tx: EntityManager, id: string) {
    return tx.findOne(StaffAccountEntity, { where: { id }, lock: { mode: 'pessimistic_write' } });
  }
  async setDisabled(tx: EntityManager, id: string, disabledAt: Date | null, at: Date): Promise<void> {
    await tx.update(StaffAccountEntity, { id }, { disabledAt, updatedAt: at });
  }
  /** Revokes every live token of the staff member; answers how many. */
  async revokeAllTokens(tx: EntityManager, staffId: string, at: Date): Promise<number> {
    const result = await tx.update(ApiTokenEntity, { staffId, revokedAt: IsNull() }, { revokedAt: at });
    return result.affected ?? 0;
  }
  /**
   * Ends every open session of the staff member; answers how many. The sessions are the auth
   * module's table, but auth depends on accounts, and disabling must end them in its own transaction.
   */
  async endAllSessions(tx: EntityManager, staffId: string, at: Date): Promise<number> {
    // TypeORM answers an UPDATE with [rows, affected].
    const sql = 'UPDATE staff_session SET ended_at = $2 WHERE staff_id = $1 AND ended_at IS NULL';
    const [, affected]: [unknown[], number] = await tx.query(sql, [staffId, at]);
    return affected;
  }

  async touchToken(id: string, at: Date): Promise<void> {
    await this.manager().update(ApiTokenEntity, { id }, { lastUsedAt: at });
  }
}
