import { Column, Entity, PrimaryColumn } from 'typeorm';

export const CONSENT_CHANNELS = ['portal', 'phone', 'paper', 'email'] as const;
export type ConsentChannel = (typeof CONSENT_CHANNELS)[number];
export type ConsentKind = 'grant' | 'withdrawal';

/** Append-only (the database refuses UPDATE and DELETE): the newest record wins. */
@Entity('consent')
export class ConsentEntity {
  @PrimaryColumn('uuid') id!: string;
  /** Insertion order, to break ties between records with the same timestamp. */
  @Column({ type: 'bigint', insert: false, update: false, transformer: { to: (v: number) => v, from: (v: string) => Number(v) } })
  seq!: number;
  @Column({ name: 'member_id', type: 'uuid' }) memberId!: string;
  @Column({ name: 'network_id', type: 'uuid' }) networkId!: string;
  @Column('text') kind!: ConsentKind;
  @Column('text', { array: true }) fields!: string[];
  @Column({ name: 'consent_text_id', type: 'uuid', nullable: true }) consentTextId!: string | null;
  @Column('text') channel!: ConsentChannel;
  @Column({ name: 'recorded_by_type', type: 'text' }) recordedByType!: 'staff' | 'member' | 'system';
  @Column({ name: 'recorded_by_id', type: 'uuid', nullable: true }) recordedById!: string | null;
  @Column({ type: 'text', nullable: true }) note!: string | null;
  @Column({ name: 'recorded_at', type: 'timestamptz' }) recordedAt!: Date;
}
