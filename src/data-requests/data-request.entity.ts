import { Column, Entity, PrimaryColumn } from 'typeorm';

/** A member's request under the GDPR that staff carry out (erasure, art. 17). */
@Entity('data_request')
export class DataRequestEntity {
  @PrimaryColumn('uuid') id!: string;
  @Column({ name: 'member_id', type: 'uuid' }) memberId!: string;
  @Column('text') kind!: 'erasure';
  @Column('text') state!: 'open' | 'done' | 'rejected';
  @Column({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
  @Column({ name: 'closed_at', type: 'timestamptz', nullable: true }) closedAt!: Date | null;
  @Column({ name: 'closed_by', type: 'uuid', nullable: true }) closedBy!: string | null;
}
