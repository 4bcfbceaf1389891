import { Column, Entity, PrimaryColumn } from 'typeorm';

export type AccessRequestState = 'pending' | 'approved' | 'rejected';

export const ACCESS_REQUEST_SOURCES = ['web', 'email', 'phone'] as const;
/** How the request came: the portal's form, an e-mail read from the mailbox, staff after a phone call. */
export type AccessRequestSource = (typeof ACCESS_REQUEST_SOURCES)[number];

/** Seed flow A: a person asks for secure access; staff approve or reject. */
@Entity('access_request')
export class AccessRequestEntity {
  @PrimaryColumn('uuid') id!: string;
  @Column('text') channel!: string;
  @Column('text') name!: string;
  @Column('text') email!: string;
  @Column('text') locale!: 'da' | 'en';
  @Column('text') state!: AccessRequestState;
  @Column('text') source!: AccessRequestSource;
  @Column({ name: 'member_id', type: 'uuid', nullable: true }) memberId!: string | null;
  /** A keyed hash of the client address, for rate limiting; never the address itself. */
  @Column({ name: 'source_key', type: 'text' }) sourceKey!: string;
  @Column({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
  /** The last time the same address asked again for the same channel (the request was refreshed). */
  @Column({ name: 'refreshed_at', type: 'timestamptz', nullable: true }) refreshedAt!: Date | null;
  @Column({ name: 'decided_at', type: 'timestamptz', nullable: true }) decidedAt!: Date | null;
  @Column({ name: 'decided_by', type: 'uuid', nullable: true }) decidedBy!: string | null;
}
