import { Column, Entity, PrimaryColumn } from 'typeorm';

export type TokenPurpose = 'activation' | 'password_reset';

/** A one-time link's token, stored as its SHA-256 only. */
@Entity('account_token')
export class AccountTokenEntity {
  @PrimaryColumn('uuid') id!: string;
  @Column({ name: 'member_id', type: 'uuid' }) memberId!: string;
  @Column('text') purpose!: TokenPurpose;
  @Column({ name: 'token_hash', type: 'text' }) tokenHash!: string;
  @Column({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
  @Column({ name: 'expires_at', type: 'timestamptz' }) expiresAt!: Date;
  @Column({ name: 'used_at', type: 'timestamptz', nullable: true }) usedAt!: Date | null;
}
