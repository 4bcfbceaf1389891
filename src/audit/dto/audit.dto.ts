import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsDate, IsIn, IsInt, IsOptional, IsString, IsUUID, Max, MaxLength, Min } from 'class-validator';

/** The filters auditors narrow the log with; the same for the view and the export. */
export class AuditFilterDto {
  @ApiPropertyOptional({ description: 'events at or after this time' })
  @IsOptional() @Type(() => Date) @IsDate({ message: 'from must be a date' }) from?: Date;
  @ApiPropertyOptional({ description: 'events before this time' })
  @IsOptional() @Type(() => Date) @IsDate({ message: 'to must be a date' }) to?: Date;
  @ApiPropertyOptional() @IsOptional() @IsUUID('all', { message: 'networkId must be a UUID' }) networkId?: string;
  @ApiPropertyOptional({ description: 'events about this member: as their subject or as detail.memberId (bundles, access requests)' })
  @IsOptional() @IsUUID('all', { message: 'memberId must be a UUID' }) memberId?: string;
  @ApiPropertyOptional({ description: 'e.g. bundle.built' }) @IsOptional() @IsString() @MaxLength(100) action?: string;
  @ApiPropertyOptional() @IsOptional() @IsUUID('all', { message: 'actorId must be a UUID' }) actorId?: string;
}

export class AuditQueryDto extends AuditFilterDto {
  @ApiPropertyOptional({ description: 'only events after this sequence number (a cursor)' })
  @IsOptional() @Type(() => Number) @IsInt() @Min(0) @Max(Number.MAX_SAFE_INTEGER) afterSeq?: number;
  @ApiPropertyOptional({ description: 'a member, staff, bundle or other subject id' }) @IsOptional() @IsString() @MaxLength(100) subjectId?: string;
  @ApiPropertyOptional({ default: 1 }) @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(1_000_000) page?: number;
  @ApiPropertyOptional({ default: 100 }) @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(1000) pageSize?: number;
  @ApiPropertyOptional({ deprecated: true, description: 'the old name of pageSize' }) @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(1000) limit?: number;
}

export class AuditExportQueryDto extends AuditFilterDto {
  @ApiProperty({ enum: ['jsonl', 'csv'], description: 'jsonl (verifiable with audit:verify --file when unfiltered) or csv (for spreadsheets)' })
  @IsIn(['jsonl', 'csv'], { message: 'format must be jsonl or csv' }) format!: 'jsonl' | 'csv';
}

export class AuditPageQueryDto {
  @ApiPropertyOptional({ default: 1 }) @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(1_000_000) page?: number;
  @ApiPropertyOptional({ default: 100 }) @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(1000) pageSize?: number;
}

export class AuditEventDto {
  @ApiProperty() seq!: number;
  @ApiProperty() at!: string;
  @ApiProperty() actorType!: string;
  @ApiProperty({ nullable: true, type: String }) actorId!: string | null;
  @ApiProperty() action!: string;
  @ApiProperty() subjectType!: string;
  @ApiProperty({ nullable: true, type: String }) subjectId!: string | null;
  @ApiProperty({ nullable: true, type: String }) networkId!: string | null;
  @ApiProperty({ type: Object }) detail!: object;
  @ApiProperty() prevHash!: string;
  @ApiProperty() hash!: string;
}

export class AuditEventPageDto {
  @ApiProperty({ type: [AuditEventDto] }) items!: AuditEventDto[];
  @ApiProperty({ description: 'events the filters match' }) total!: number;
  @ApiProperty() page!: number;
  @ApiProperty() pageSize!: number;
}

export class AuditVerifyDto {
  @ApiProperty() ok!: boolean;
  @ApiProperty() events!: number;
  @ApiProperty({ description: 'checkpoints whose signature and hash were checked' }) checkpoints!: number;
  @ApiPropertyOptional() firstBadSeq?: number;
  @ApiPropertyOptional() problem?: string;
}

export class AuditCheckpointDto {
  @ApiProperty() id!: number;
  @ApiProperty({ description: 'the sequence number of the event signed' }) seq!: number;
  @ApiProperty({ description: 'that event’s hash' }) hash!: string;
  @ApiProperty({ description: 'the time signed' }) at!: string;
  @ApiProperty() keyId!: string;
  @ApiProperty({ description: 'Ed25519 signature of the canonical JSON {"at","hash","seq"}, base64' }) signature!: string;
  @ApiProperty({ enum: ['scheduled', 'on_demand'] }) kind!: string;
  @ApiProperty({ nullable: true, type: String, description: 'the hour a scheduled checkpoint stands for' }) slot!: string | null;
}

export class AuditCheckpointPageDto {
  @ApiProperty({ type: [AuditCheckpointDto], description: 'newest first' }) items!: AuditCheckpointDto[];
  @ApiProperty() total!: number;
  @ApiProperty() page!: number;
  @ApiProperty() pageSize!: number;
}

export class AuditPublicKeyDto {
  @ApiProperty({ enum: ['Ed25519'] }) algorithm!: string;
  @ApiProperty({ description: 'first 16 hex digits of the SHA-256 of the raw key' }) keyId!: string;
  @ApiProperty({ description: 'the raw 32-byte key, base64' }) publicKeyBase64!: string;
  @ApiProperty({ description: 'the raw 32-byte key, hex' }) publicKeyHex!: string;
  @ApiProperty({ description: 'SubjectPublicKeyInfo PEM' }) publicKeyPem!: string;
}
