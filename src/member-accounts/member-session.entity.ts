import { Column, Entity, PrimaryColumn } from 'typeorm';

/** A member's server-side session; the identity in it opens only with the key in the cookie. */
@Entity('member_session')
export class MemberSessionEntity {
  @PrimaryColumn('uuid') id!: string;
  @Column({ name: 'member_id', type: 'uuid' }) memberId!: string;
  @Column({ name: 'token_hash', type: 'text' }) tokenHash!: string;
  /** NULL once the session ended: an ended session keeps nothing that could open the identity. */
  @Column({ name: 'sealed_identity', type: 'bytea', nullable: true }) sealedIdentity!: Buffer | null;
  @Column({ name: 'second_factor_pending', type: 'boolean' }) secondFactorPending!: boolean;
  @Column({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
  @Column({ name: 'last_seen_at', type: 'timestamptz' }) lastSeenAt!: Date;
  @Column({ name: 'ended_at', type: 'timestamptz', nullable: true }) endedAt!: Date | null;
}
