import { Column, Entity, PrimaryColumn } from 'typeorm';

@Entity('member')
export class MemberEntity {
  @PrimaryColumn('uuid') id!: string;
  @Column('text') email!: string;
  @Column('text') name!: string;
  @Column({ type: 'text', nullable: true }) phone!: string | null;
  @Column({ type: 'text', nullable: true }) address!: string | null;
  @Column({ name: 'postal_code', type: 'text', nullable: true }) postalCode!: string | null;
  @Column({ type: 'text', nullable: true }) city!: string | null;
  @Column({ name: 'about_me', type: 'text', nullable: true }) aboutMe!: string | null;
  @Column({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
  @Column({ name: 'updated_at', type: 'timestamptz' }) updatedAt!: Date;
  /** Set by erasure (art. 17): the contact fields are gone; the id stays as the pseudonym. */
  @Column({ name: 'erased_at', type: 'timestamptz', nullable: true }) erasedAt!: Date | null;
  /**
   * Created with an address that a member of a network the creator cannot see already has: kept apart
   * (saying so would reveal that membership) for an administrator to link. Never used for a login.
   */
  @Column({ name: 'same_address_as', type: 'uuid', nullable: true }) sameAddressAs!: string | null;
}
