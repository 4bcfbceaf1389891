import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager, IsNull } from 'typeorm';
import { MemberEntity } from './member.entity.js';
import { MembershipEntity, type MembershipStatus } from './membership.entity.js';

export interface MemberPage {
  rows: (MemberEntity & { status: MembershipStatus })[];
  total: number;
}

const INSERT_CHUNK = 10_000;

@Injectable()
export class MembersRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  private manager(tx?: EntityManager) {
    return tx ?? this.dataSource.manager;
  }

  findById(id: string, tx?: EntityManager) {
    return this.manager(tx).findOneBy(MemberEntity, { id });
  }

  /** The member whose address this is (not a record waiting to be linked to them). */
  findByEmail(email: string, tx?: EntityManager) {
    return this.manager(tx).findOneBy(MemberEntity, { email, sameAddressAs: IsNull() });
  }

  /** Per e-mail already in use: every record holding it, with the networks each is (or was) in. */
  async emailHolders(emails: string[], tx?: EntityManager): Promise<Map<string, EmailHolder[]>> {
    const found = new Map<string, EmailHolder[]>();
    for (let i = 0; i < emails.length; i += 10_000) {
      const rows: { email: string; id: string; same_address_as: string | null; network_ids: string[] }[] = await this.manager(tx).query(
        `SELECT m.email, m.id, m.same_address_as,
                coalesce(array_agg(ms.network_id) FILTER (WHERE ms.network_id IS NOT NULL), '{}') AS network_ids
           FROM member m LEFT JOIN membership ms ON ms.member_id = m.id
          WHERE m.email = ANY($1::text[])
          GROUP BY m.id`,
        [emails.slice(i, i + 10_000)],
      );
      for (const r of rows) {
        found.set(r.email, [...(found.get(r.email) ?? []), { id: r.id, sameAddressAs: r.same_address_as, networkIds: r.network_ids }]);
      }
    }
    return found;
  }

  /** Serialises the checks on one address until the caller's transaction ends. */
  async lockEmail(tx: EntityManager, email: string): Promise<void> {
    await tx.query(`SELECT pg_advisory_xact_lock(hashtext('member.email'), hashtext($1))`, [email]);
  }

  /**
   * One statement per chunk with a column per array parameter: an import of 100,000 rows spent most
   * of its time in TypeORM building multi-row VALUES lists (see bench/import.bench.mjs). A new member
   * is never erased, so erased_at keeps its default.
   */
  async insertMembers(tx: EntityManager, members: MemberEntity[]): Promise<void> {
    for (let i = 0; i < members.length; i += INSERT_CHUNK) {
      const chunk = members.slice(i, i + INSERT_CHUNK);
      const column = <T>(pick: (m: MemberEntity) => T) => chunk.map(pick);
      await tx.query(
        `INSERT INTO member (id, email, name, phone, address, postal_code, city, about_me, created_at, updated_at, same_address_as)
         SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[],
                              $9::timestamptz[], $10::timestamptz[], $11::uuid[])`,
        [
          column((m) => m.id),
          column((m) => m.email),
          column((m) => m.name),
          column((m) => m.phone ?? null),
          column((m) => m.address ?? null),
          column((m) => m.postalCode ?? null),
          column((m) => m.city ?? null),
          column((m) => m.aboutMe ?? null),
          column((m) => m.createdAt.toISOString()),
          column((m) => m.updatedAt.toISOString()),
          column((m) => m.sameAddressAs ?? null),
        ],
      );
    }
  }

  async insertMemberships(tx: EntityManager, memberships: MembershipEntity[]): Promise<void> {
    for (let i = 0; i < memberships.length; i += INSERT_CHUNK) {
      const chunk = memberships.slice(i, i + INSERT_CHUNK);
      await tx.query(
        `INSERT INTO membership (network_id, member_id, status, joined_at, updated_at)
         SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::timestamptz[], $5::timestamptz[])`,
        [
          chunk.map((m) => m.networkId),
          chunk.map((m) => m.memberId),
          chunk.map((m) => m.status),
          chunk.map((m) => m.joinedAt.toISOString()),
          chunk.map((m) => m.updatedAt.toISOString()),
        ],
      );
    }
  }

  async updateMember(tx: EntityManager, id: string, patch: Partial<MemberEntity>): Promise<void> {
    await tx.update(MemberEntity, { id }, patch);
  }

  membershipsOf(memberId: string, tx?: EntityManager) {
    return this.manager(tx).find(MembershipEntity, { where: { memberId }, order: { joinedAt: 'ASC' } });
  }

  findMembership(networkId: string, memberId: string, tx?: EntityManager) {
    return this.manager(tx).findOneBy(MembershipEntity, { networkId, memberId });
  }

  async updateMembershipStatus(tx: EntityManager, m: MembershipEntity, status: MembershipStatus, at: Date) {
    await tx.update(MembershipEntity, { networkId: m.networkId, memberId: m.memberId }, { status, updatedAt: at });
  }

  /** Members of one network, matched on name or e-mail, ordered by name in Danish order. */
  async search(networkId: string, query: string | undefined, offset: number, limit: number): Promise<MemberPage> {
    const qb = this.dataSource.manager
      .createQueryBuilder(MemberEntity, 'm')
      .innerJoin(MembershipEntity, 'ms', 'ms.member_id = m.id AND ms.network_id = :networkId', { networkId })
      .addSelect('ms.status', 'status');
    if (query) {
      const pattern = `%${query.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
      qb.andWhere('(m.name ILIKE :pattern OR m.email ILIKE :pattern)', { pattern });
    }
    const total = await qb.getCount();
    // Danish order, as the PDF sorts (the collation comes from a migration).
    const { entities, raw } = await qb
      .orderBy('m.name COLLATE listebud_da', 'ASC')
      .addOrderBy('m.id')
      .offset(offset)
      .limit(limit)
      .getRawAndEntities();
    const rows = entities.map((e, i) => Object.assign(e, { status: (raw[i] as { status: MembershipStatus }).status }));
    return { rows, total };
  }

  /** Every member of a network with their membership status, for an edition snapshot. */
  async ofNetworkWithStatus(networkId: string, tx: EntityManager): Promise<(MemberEntity & { status: MembershipStatus })[]> {
    const { entities, raw } = await tx
      .createQueryBuilder(MemberEntity, 'm')
      .innerJoin(MembershipEntity, 'ms', 'ms.member_id = m.id AND ms.network_id = :networkId', { networkId })
      .addSelect('ms.status', 'status')
      .orderBy('m.id')
      .getRawAndEntities();
    return entities.map((e, i) => Object.assign(e, { status: (raw[i] as { status: MembershipStatus }).status }));
  }

  /** The member row, locked for the caller's transaction (erasure). */
  lockById(tx: EntityManager, id: string) {
    return tx.createQueryBuilder(MemberEntity, 'm').setLock('pessimistic_write').where('m.id = :id', { id }).getOne();
  }

  /**
   * Erasure: every contact field goes. The row keeps its id (the pseudonym the audit log and the
   * editions use); name and e-mail, which may not be empty, get fixed placeholders.
   */
  async eraseContact(tx: EntityManager, id: string, placeholder: { name: string; email: string }, at: Date): Promise<void> {
    await tx.query(
      `UPDATE member SET name = $2, email = $3, phone = NULL, address = NULL, postal_code = NULL, city = NULL, about_me = NULL,
              erased_at = $4, updated_at = $4
        WHERE id = $1`,
      [id, placeholder.name, placeholder.email, at],
    );
  }

  namesOf(ids: string[]): Promise<{ id: string; name: string }[]> {
    if (ids.length === 0) return Promise.resolve([]);
    return this.dataSource.manager.query('SELECT id, name FROM member WHERE id = ANY($1::uuid[])', [ids]);
  }

  /** E-mail address and language for the notice of each member's bundle, read in the caller's transaction. */
  async noticeAddresses(tx: EntityManager, memberIds: string[]): Promise<Map<string, { email: string; locale: 'da' | 'en' }>> {
    const rows: { id: string; email: string; locale: 'da' | 'en' }[] = await tx.query(
      `SELECT m.id, m.email, coalesce(a.locale, 'da') AS locale FROM member m LEFT JOIN member_account a ON a.member_id = m.id WHERE m.id = ANY($1::uuid[])`,
      [memberIds],
    );
    return new Map(rows.map((r) => [r.id, { email: r.email, locale: r.locale }]));
  }
}

export interface EmailHolder {
  id: string;
  sameAddressAs: string | null;
  networkIds: string[];
}
