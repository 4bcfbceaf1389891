import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsDate, IsInt, IsOptional, IsString, IsUUID, Max, MaxLength, Min } from 'class-validator';

export class AuditQueryDto {
  @ApiPropertyOptional({ description: 'return events after this sequence number (paging cursor)' })
  @IsOptional() @Type(() => Number) @IsInt() @Min(0) afterSeq?: number;
  @ApiPropertyOptional({ default: 100 }) @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(1000) limit?: number;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(100) action?: string;
  @ApiPropertyOptional() @IsOptional() @IsUUID('all', { message: 'actorId must be a UUID' }) actorId?: string;
  @ApiPropertyOptional() @IsOptional() @IsUUID('all', { message: 'networkId must be a UUID' }) networkId?: string;
  @ApiPropertyOptional({ description: 'a member, staff or other subject id' }) @IsOptional() @IsString() @MaxLength(100) subjectId?: string;
  @ApiPropertyOptional() @IsOptional() @Type(() => Date) @IsDate({ message: 'from must be a date' }) from?: Date;
  @ApiPropertyOptional() @IsOptional() @Type(() => Date) @IsDate({ message: 'to must be a date' }) to?: Date;
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

export class AuditVerifyDto {
  @ApiProperty() ok!: boolean;
  @ApiProperty() events!: number;
  @ApiPropertyOptional() firstBadSeq?: number;
}
