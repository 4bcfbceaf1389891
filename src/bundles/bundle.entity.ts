import { Column, Entity, PrimaryColumn } from 'typeorm';

export const BUNDLE_STATES = ['waiting_for_key', 'pending', 'building', 'ready', 'failed', 'revoked', 'expired'] as const;
export type BundleState = (typeof BUNDLE_STATES)[number];

export interface BundleFileInfo {
  name: string;
  sha256: string;
  bytes: number;
}

const bigintAsNumber = { to: (v: number | null) => v, from: (v: string | null) => (v === null ? null : Number(v)) };

/** What one recipient gets of one edition. Unique per (edition, member): never two. */
@Entity('bundle')
export class BundleEntity {
  @PrimaryColumn('uuid') id!: string;
  @Column({ name: 'edition_id', type: 'uuid' }) editionId!: string;
  @Column({ name: 'member_id', type: 'uuid' }) memberId!: string;
  @Column('text') state!: BundleState;
  @Column('text', { array: true }) recipients!: string[];
  @Column({ name: 'storage_key', type: 'text', nullable: true }) storageKey!: string | null;
  @Column({ name: 'size_bytes', type: 'bigint', nullable: true, transformer: bigintAsNumber }) sizeBytes!: number | null;
  @Column({ type: 'text', nullable: true }) sha256!: string | null;
  @Column({ type: 'jsonb', nullable: true }) files!: BundleFileInfo[] | null;
  @Column('integer') attempts!: number;
  @Column({ name: 'last_error', type: 'text', nullable: true }) lastError!: string | null;
  @Column({ name: 'claimed_by', type: 'text', nullable: true }) claimedBy!: string | null;
  @Column({ name: 'claimed_until', type: 'timestamptz', nullable: true }) claimedUntil!: Date | null;
  @Column({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
  @Column({ name: 'built_at', type: 'timestamptz', nullable: true }) builtAt!: Date | null;
  @Column({ name: 'expires_at', type: 'timestamptz' }) expiresAt!: Date;
  @Column({ name: 'downloaded_at', type: 'timestamptz', nullable: true }) downloadedAt!: Date | null;
  @Column({ name: 'revoked_at', type: 'timestamptz', nullable: true }) revokedAt!: Date | null;
  @Column({ name: 'expired_at', type: 'timestamptz', nullable: true }) expiredAt!: Date | null;
}
