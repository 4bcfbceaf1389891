import { Column, Entity, PrimaryColumn } from 'typeorm';

@Entity('staff_session')
export class StaffSessionEntity {
  @PrimaryColumn('uuid') id!: string;
  @Column({ name: 'staff_id', type: 'uuid' }) staffId!: string;
  @Column({ name: 'token_hash', type: 'text' }) tokenHash!: string;
  @Column({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
  @Column({ name: 'last_seen_at', type: 'timestamptz' }) lastSeenAt!: Date;
  @Column({ name: 'ended_at', type: 'timestamptz', nullable: true }) endedAt!: Date | null;
  /** With STAFF_TOTP_REQUIRED: the session may only set up TOTP until a code is confirmed. */
  @Column({ name: 'second_factor_pending', type: 'boolean', default: false }) secondFactorPending!: boolean;
  /** The login that made this session included the TOTP code. */
  @Column({ name: 'second_factor_passed', type: 'boolean', default: false }) secondFactorPassed!: boolean;
}
