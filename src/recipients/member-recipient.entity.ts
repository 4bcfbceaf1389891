import { Column, Entity, PrimaryColumn } from 'typeorm';

export type RecipientKind = 'x25519' | 'ssh-ed25519';

/** An age recipient (public key) bundles for the member are encrypted to. */
@Entity('member_recipient')
export class MemberRecipientEntity {
  @PrimaryColumn('uuid') id!: string;
  @Column({ name: 'member_id', type: 'uuid' }) memberId!: string;
  @Column('text') kind!: RecipientKind;
  @Column('text') recipient!: string;
  @Column('text') fingerprint!: string;
  @Column('text') source!: 'registered' | 'portal';
  @Column({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
  @Column({ name: 'revoked_at', type: 'timestamptz', nullable: true }) revokedAt!: Date | null;
}
