import { Column, Entity, PrimaryColumn } from 'typeorm';

export type AccessRequestState = 'pending' | 'approved' | 'rejected';

/** Seed flow A: a person asks for secure access; staff approve or reject. */
@Entity('access_request')
export class AccessRequestEntity {
  @PrimaryColumn('uuid') id!: string;
  @Column('text') channel!: string;
  @Column('text') name!: string;
  @Column('text') email!: string;
  @Column('text') locale!: 'da' | 'en';
  @Column('text') state!: AccessRequestState;
  @Column({ name: 'member_id', type: 'uuid', nullable: true }) memberId!: string | null;
  /** A keyed hash of the client address, for rate limiting; never the address itself. */
  @Column({ name: 'source_key', type: 'text' }) sourceKey!: string;
  @Column({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
  @Column({ name: 'decided_at', type: 'timestamptz', nullable: true }) decidedAt!: Date | null;
  @Column({ name: 'decided_by', type: 'uuid', nullable: true }) decidedBy!: string | null;
}
