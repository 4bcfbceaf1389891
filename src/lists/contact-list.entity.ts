import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { MemberField } from '../members/member-fields.js';

export const LIST_FORMATS = ['xlsx', 'pdf'] as const;
export type ListFormat = (typeof LIST_FORMATS)[number];
export const RECIPIENTS_RULES = ['listed_members', 'all_active'] as const;
export type RecipientsRule = (typeof RECIPIENTS_RULES)[number];

@Entity('contact_list')
export class ContactListEntity {
  @PrimaryColumn('uuid') id!: string;
  @Column({ name: 'network_id', type: 'uuid' }) networkId!: string;
  @Column('text') slug!: string;
  @Column('text') title!: string;
  @Column('text', { array: true }) columns!: MemberField[];
  @Column('text', { array: true }) formats!: ListFormat[];
  @Column({ name: 'schedule_cron', type: 'text', nullable: true }) scheduleCron!: string | null;
  @Column({ name: 'time_zone', type: 'text' }) timeZone!: string;
  @Column({ name: 'bundle_lifetime_days', type: 'integer' }) bundleLifetimeDays!: number;
  @Column({ name: 'recipients_rule', type: 'text' }) recipientsRule!: RecipientsRule;
  @Column({ name: 'skip_unchanged', type: 'boolean' }) skipUnchanged!: boolean;
  @Column({ name: 'requires_approval', type: 'boolean' }) requiresApproval!: boolean;
  /** The last scheduled slot left out because nothing had changed (so it is not tried again). */
  @Column({ name: 'last_skipped_slot', type: 'timestamptz', nullable: true }) lastSkippedSlot!: Date | null;
  @Column({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
  @Column({ name: 'updated_at', type: 'timestamptz' }) updatedAt!: Date;
}
