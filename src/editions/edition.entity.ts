import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { EditionDiff, StoredSnapshot } from './edition-snapshot.js';

export const EDITION_STATES = ['awaiting_approval', 'building', 'published', 'revoked'] as const;
export type EditionState = (typeof EDITION_STATES)[number];

/** One immutable snapshot of a list. Only its state and approval change after creation. */
@Entity('edition')
export class EditionEntity {
  @PrimaryColumn('uuid') id!: string;
  @Column({ name: 'list_id', type: 'uuid' }) listId!: string;
  @Column({ name: 'network_id', type: 'uuid' }) networkId!: string;
  @Column({ type: 'timestamptz', nullable: true }) slot!: Date | null;
  @Column('text') state!: EditionState;
  @Column('jsonb') snapshot!: StoredSnapshot;
  @Column({ name: 'content_hash', type: 'text' }) contentHash!: string;
  @Column('jsonb') diff!: EditionDiff;
  @Column({ name: 'row_count', type: 'integer' }) rowCount!: number;
  @Column({ name: 'recipient_count', type: 'integer' }) recipientCount!: number;
  @Column({ name: 'requested_by_type', type: 'text' }) requestedByType!: 'staff' | 'system' | 'cli';
  @Column({ name: 'requested_by_id', type: 'uuid', nullable: true }) requestedById!: string | null;
  @Column({ name: 'approved_by_id', type: 'uuid', nullable: true }) approvedById!: string | null;
  @Column({ name: 'approved_at', type: 'timestamptz', nullable: true }) approvedAt!: Date | null;
  @Column({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
  @Column({ name: 'published_at', type: 'timestamptz', nullable: true }) publishedAt!: Date | null;
  /** A member it listed was erased since: its recipients hold an outdated copy (art. 19). */
  @Column({ name: 'correction_needed_since', type: 'timestamptz', nullable: true }) correctionNeededSince!: Date | null;
  /** The corrected edition whose publication settles the flag above (set when this edition's copies were retired for it). */
  @Column({ name: 'correction_edition_id', type: 'uuid', nullable: true }) correctionEditionId!: string | null;
  /** Retention removed the contact values from the snapshot; member ids, counts and hash stay. */
  @Column({ name: 'contact_values_purged_at', type: 'timestamptz', nullable: true }) contactValuesPurgedAt!: Date | null;
}
