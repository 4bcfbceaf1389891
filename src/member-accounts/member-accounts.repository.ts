import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager, IsNull } from 'typeorm';
import { AccountTokenEntity, type TokenPurpose } from './account-token.entity.js';
import { MemberAccountEntity } from './member-account.entity.js';
import { MemberSessionEntity } from './member-session.entity.js';

@Injectable()
export class MemberAccountsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  private manager(tx?: EntityManager) {
    return tx ?? this.dataSource.manager;
  }

  findAccount(memberId: string, tx?: EntityManager) {
    return this.manager(tx).findOneBy(MemberAccountEntity, { memberId });
  }

  /**
   * The account of the member with this e-mail (member e-mails are stored lower-case). A record kept
   * apart because a member of another network had the address (`same_address_as`) is used only when
   * that member has no account, the oldest first, until an administrator links them.
   */
  async findAccountByEmail(email: string): Promise<MemberAccountEntity | null> {
    return this.manager()
      .createQueryBuilder(MemberAccountEntity, 'a')
      .innerJoin('member', 'm', 'm.id = a.member_id')
      .where('m.email = :email', { email })
      .orderBy('m.same_address_as', 'ASC', 'NULLS FIRST')
      .addOrderBy('m.created_at', 'ASC')
      .getOne();
  }

  async lockAccount(tx: EntityManager, memberId: string): Promise<MemberAccountEntity | null> {
    return tx.createQueryBuilder(MemberAccountEntity, 'a').setLock('pessimistic_write').where('a.member_id = :memberId', { memberId }).getOne();
  }

  async insertAccount(tx: EntityManager, account: MemberAccountEntity): Promise<void> {
    await tx.insert(MemberAccountEntity, account);
  }

  async updateAccount(tx: EntityManager, memberId: string, patch: Partial<MemberAccountEntity>): Promise<void> {
    await tx.update(MemberAccountEntity, { memberId }, patch);
  }

  /** Records the step of a TOTP code unless this or a later step was used already (of two racing logins, one wins). */
  async consumeTotpStep(memberId: string, step: number): Promise<boolean> {
    const [rows]: [unknown[], number] = await this.manager().query(
      `UPDATE member_account SET totp_last_step = $2 WHERE member_id = $1 AND (totp_last_step IS NULL OR totp_last_step < $2) RETURNING member_id`,
      [memberId, step],
    );
    return rows.length === 1;
  }

  async insertToken(tx: EntityManager, token: AccountTokenEntity): Promise<void> {
    await tx.insert(AccountTokenEntity, token);
  }

  /** Earlier unused links of the same purpose stop working when a new one is sent. */
  async retireTokens(tx: EntityManager, memberId: string, purpose: TokenPurpose, at: Date): Promise<void> {
    await tx.update(AccountTokenEntity, { memberId, purpose, usedAt: IsNull() }, { usedAt: at });
  }

  async tokenIssuedSince(memberId: string, purpose: TokenPurpose, since: Date): Promise<boolean> {
    const rows: unknown[] = await this.manager().query(
      `SELECT 1 FROM account_token WHERE member_id = $1 AND purpose = $2 AND created_at > $3 LIMIT 1`,
      [memberId, purpose, since],
    );
    return rows.length > 0;
  }

  findToken(tokenHash: string, purpose: TokenPurpose) {
    return this.manager().findOneBy(AccountTokenEntity, { tokenHash, purpose });
  }

  /** Locks the token row, so two clicks on the same link cannot both spend it. */
  lockToken(tx: EntityManager, tokenHash: string, purpose: TokenPurpose) {
    return tx.createQueryBuilder(AccountTokenEntity, 't').setLock('pessimistic_write').where('t.token_hash = :tokenHash AND t.purpose = :purpose', { tokenHash, purpose }).getOne();
  }

  async spendToken(tx: EntityManager, id: string, at: Date): Promise<void> {
    await tx.update(AccountTokenEntity, { id }, { usedAt: at });
  }

  async insertSession(tx: EntityManager, session: MemberSessionEntity): Promise<void> {
    await tx.insert(MemberSessionEntity, session);
  }

  findLiveSession(tokenHash: string) {
    return this.manager().findOneBy(MemberSessionEntity, { tokenHash, endedAt: IsNull() });
  }

  /** Ends sessions idle since before `idleSince` and wipes their sealed identity; answers how many. */
  async endIdleSessions(idleSince: Date, at: Date, id?: string): Promise<number> {
    const [rows]: [unknown[], number] = await this.manager().query(
      `UPDATE member_session SET ended_at = coalesce(ended_at, $2), sealed_identity = NULL
        WHERE sealed_identity IS NOT NULL AND (ended_at IS NOT NULL OR last_seen_at < $1) AND ($3::uuid IS NULL OR id = $3)
        RETURNING id`,
      [idleSince, at, id ?? null],
    );
    return rows.length;
  }

  async touchSession(id: string, at: Date): Promise<void> {
    await this.manager().update(MemberSessionEntity, { id }, { lastSeenAt: at });
  }

  async updateSession(tx: EntityManager, id: string, patch: Partial<MemberSessionEntity>): Promise<void> {
    await tx.update(MemberSessionEntity, { id }, patch);
  }

  /** An ended session keeps no sealed identity. */
  async endSession(tx: EntityManager, id: string, at: Date): Promise<void> {
    await tx.query(`UPDATE member_session SET ended_at = coalesce(ended_at, $2), sealed_identity = NULL WHERE id = $1`, [id, at]);
  }

  /**
   * Erasure: the account row (with the password-wrapped identity: crypto-shredding), every session
   * (with its sealed identity) and every one-time link token go.
   */
  async deleteAllOf(tx: EntityManager, memberId: string): Promise<{ account: boolean; sessions: number; tokens: number }> {
    const [accounts]: [unknown[], number] = await tx.query('DELETE FROM member_account WHERE member_id = $1 RETURNING member_id', [memberId]);
    const [sessions]: [unknown[], number] = await tx.query('DELETE FROM member_session WHERE member_id = $1 RETURNING id', [memberId]);
    const [tokens]: [unknown[], number] = await tx.query('DELETE FROM account_token WHERE member_id = $1 RETURNING id', [memberId]);
    return { account: accounts.length > 0, sessions: sessions.length, tokens: tokens.length };
  }

  /** Ends every live session of the member except `keep` (after a password change or reset). */
  async endSessionsOf(tx: EntityManager, memberId: string, at: Date, keep?: string): Promise<void> {
    await tx.query(
      `UPDATE member_session SET ended_at = $2, sealed_identity = NULL WHERE member_id = $1 AND ended_at IS NULL AND ($3::uuid IS NULL OR id <> $3)`,
      [memberId, at, keep ?? null],
    );
  }
}
