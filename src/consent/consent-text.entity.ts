import { Column, Entity, PrimaryColumn } from 'typeorm';

@Entity('consent_text')
export class ConsentTextEntity {
  @PrimaryColumn('uuid') id!: string;
  @Column({ name: 'network_id', type: 'uuid' }) networkId!: string;
  @Column('integer') version!: number;
  @Column('text') body!: string;
  @Column({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
  @Column({ name: 'created_by', type: 'uuid', nullable: true }) createdBy!: string | null;
}
