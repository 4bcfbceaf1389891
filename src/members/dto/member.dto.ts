import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { MEMBERSHIP_STATUSES, type MembershipStatus } from '../membership.entity.js';

/** Shape checks only; the domain rules (e-mail, phone, CPR, control characters) run in the service. */
export class CreateMemberDto {
  @ApiProperty({ example: 'Birthe Ødegaard' }) @IsString() @MaxLength(200) name!: string;
  @ApiProperty({ example: 'birthe@example.dk' }) @IsString() @MaxLength(254) email!: string;
  @ApiPropertyOptional({ example: '+4520123456' }) @IsOptional() @IsString() @MaxLength(40) phone?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(200) address?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(10) postalCode?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(100) city?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(2000) aboutMe?: string;
}

export class UpdateMemberDto {
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(200) name?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(254) email?: string;
  @ApiPropertyOptional({ nullable: true }) @IsOptional() @IsString() @MaxLength(40) phone?: string | null;
  @ApiPropertyOptional({ nullable: true }) @IsOptional() @IsString() @MaxLength(200) address?: string | null;
  @ApiPropertyOptional({ nullable: true }) @IsOptional() @IsString() @MaxLength(10) postalCode?: string | null;
  @ApiPropertyOptional({ nullable: true }) @IsOptional() @IsString() @MaxLength(100) city?: string | null;
  @ApiPropertyOptional({ nullable: true }) @IsOptional() @IsString() @MaxLength(2000) aboutMe?: string | null;
}

export class SetMembershipDto {
  @ApiProperty({ enum: MEMBERSHIP_STATUSES })
  @IsIn(MEMBERSHIP_STATUSES, { message: `status must be one of ${MEMBERSHIP_STATUSES.join(', ')}` })
  status!: MembershipStatus;
}

export class MemberSearchQuery {
  @ApiPropertyOptional({ description: 'matches name or e-mail' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  q?: string;

  @ApiPropertyOptional({ default: 1 }) @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(100000) page?: number;

  @ApiPropertyOptional({ default: 50 }) @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(500) pageSize?: number;
}

export class MembershipDto {
  @ApiProperty() networkId!: string;
  @ApiProperty({ enum: MEMBERSHIP_STATUSES }) status!: MembershipStatus;
  @ApiProperty() joinedAt!: string;
}

export class MemberDto {
  @ApiProperty() id!: string;
  @ApiProperty() name!: string;
  @ApiProperty() email!: string;
  @ApiProperty({ nullable: true, type: String }) phone!: string | null;
  @ApiProperty({ nullable: true, type: String }) address!: string | null;
  @ApiProperty({ nullable: true, type: String }) postalCode!: string | null;
  @ApiProperty({ nullable: true, type: String }) city!: string | null;
  @ApiProperty({ nullable: true, type: String }) aboutMe!: string | null;
  @ApiProperty({ type: [MembershipDto] }) memberships!: MembershipDto[];
  @ApiProperty({ nullable: true, type: String, description: 'when the member was erased (art. 17); the contact fields are then placeholders' })
  erasedAt!: string | null;
}

export class MemberListItemDto {
  @ApiProperty() id!: string;
  @ApiProperty() name!: string;
  @ApiProperty() email!: string;
  @ApiProperty({ enum: MEMBERSHIP_STATUSES }) status!: MembershipStatus;
}

export class MemberPageDto {
  @ApiProperty({ type: [MemberListItemDto] }) items!: MemberListItemDto[];
  @ApiProperty() total!: number;
  @ApiProperty() page!: number;
  @ApiProperty() pageSize!: number;
}

export class ImportResultDto {
  @ApiProperty() dryRun!: boolean;
  @ApiProperty({ description: 'rows that are valid (all rows, since a file with any bad row imports nothing)' })
  valid!: number;
  @ApiProperty() created!: number;
  @ApiProperty({ enum: ['csv', 'xlsx'] }) format!: string;
}
