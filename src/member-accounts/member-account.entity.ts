import { Column, Entity, PrimaryColumn } from 'typeorm';

export type Locale = 'da' | 'en';

/** A member's portal account. The age identity is kept only wrapped under the member's password. */
@Entity('member_account')
export class MemberAccountEntity {
  @PrimaryColumn({ name: 'member_id', type: 'uuid' }) memberId!: string;
  @Column({ name: 'password_hash', type: 'text' }) passwordHash!: string;
  @Column({ name: 'wrapped_identity', type: 'bytea' }) wrappedIdentity!: Buffer;
  @Column({ name: 'recipient_id', type: 'uuid' }) recipientId!: string;
  @Column('text') locale!: Locale;
  @Column({ name: 'totp_secret', type: 'text', nullable: true }) totpSecret!: string | null;
  @Column({ name: 'totp_enabled_at', type: 'timestamptz', nullable: true }) totpEnabledAt!: Date | null;
  /** The time step of the last code accepted (bigint, so TypeORM gives a string): each code works once. */
  @Column({ name: 'totp_last_step', type: 'bigint', nullable: true }) totpLastStep!: string | null;
  @Column({ name: 'activated_at', type: 'timestamptz' }) activatedAt!: Date;
  @Column({ name: 'password_changed_at', type: 'timestamptz' }) passwordChangedAt!: Date;
  @Column({ name: 'updated_at', type: 'timestamptz' }) updatedAt!: Date;
}
