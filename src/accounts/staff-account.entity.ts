import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { StaffRole } from '../common/actor.js';

@Entity('staff_account')
export class StaffAccountEntity {
  @PrimaryColumn('uuid') id!: string;
  @Column('text') email!: string;
  @Column({ name: 'password_hash', type: 'text' }) passwordHash!: string;
  @Column('text') role!: StaffRole;
  @Column({ name: 'disabled_at', type: 'timestamptz', nullable: true }) disabledAt!: Date | null;
  /** Sealed TOTP secret (see TotpService); set-up started when not null, in force once enabled. */
  @Column({ name: 'totp_secret', type: 'text', nullable: true }) totpSecret!: string | null;
  @Column({ name: 'totp_enabled_at', type: 'timestamptz', nullable: true }) totpEnabledAt!: Date | null;
  @Column({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
  @Column({ name: 'updated_at', type: 'timestamptz' }) updatedAt!: Date;
}

@Entity('staff_network')
export class StaffNetworkEntity {
  @PrimaryColumn({ name: 'staff_id', type: 'uuid' }) staffId!: string;
  @PrimaryColumn({ name: 'network_id', type: 'uuid' }) networkId!: string;
}

@Entity('api_token')
export class ApiTokenEntity {
  @PrimaryColumn('uuid') id!: string;
  @Column({ name: 'staff_id', type: 'uuid' }) staffId!: string;
  @Column('text') name!: string;
  @Column({ name: 'token_hash', type: 'text' }) tokenHash!: string;
  @Column({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
  @Column({ name: 'last_used_at', type: 'timestamptz', nullable: true }) lastUsedAt!: Date | null;
  @Column({ name: 'revoked_at', type: 'timestamptz', nullable: true }) revokedAt!: Date | null;
  @Column({ name: 'expires_at', type: 'timestamptz' }) expiresAt!: Date;
}
