import { Column, Entity, PrimaryColumn } from 'typeorm';

export const MEMBERSHIP_STATUSES = ['active', 'paused', 'left'] as const;
export type MembershipStatus = (typeof MEMBERSHIP_STATUSES)[number];

@Entity('membership')
export class MembershipEntity {
  @PrimaryColumn({ name: 'network_id', type: 'uuid' }) networkId!: string;
  @PrimaryColumn({ name: 'member_id', type: 'uuid' }) memberId!: string;
  @Column('text') status!: MembershipStatus;
  @Column({ name: 'joined_at', type: 'timestamptz' }) joinedAt!: Date;
  @Column({ name: 'updated_at', type: 'timestamptz' }) updatedAt!: Date;
}
