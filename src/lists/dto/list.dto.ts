import { ApiProperty, ApiPropertyOptional, OmitType, PartialType } from '@nestjs/swagger';
import { ArrayMinSize, ArrayUnique, IsArray, IsBoolean, IsIn, IsInt, IsOptional, IsString, Length, Matches, Max, MaxLength, Min, ValidateIf } from 'class-validator';
import { MEMBER_FIELDS, type MemberField } from '../../members/member-fields.js';
import { LIST_FORMATS, RECIPIENTS_RULES, type ListFormat, type RecipientsRule } from '../contact-list.entity.js';

export class CreateListDto {
  @ApiProperty({ example: 'kontaktliste' })
  @IsString()
  @Length(1, 60)
  @Matches(/^[a-z0-9]+(-[a-z0-9]+)*$/, { message: 'slug may only hold lower-case letters, digits and single hyphens' })
  slug!: string;

  @ApiProperty({ example: 'Kontaktliste' }) @IsString() @Length(1, 200) title!: string;

  @ApiPropertyOptional({ enum: MEMBER_FIELDS, isArray: true, description: 'columns in display order; default all fields' })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayUnique()
  @IsIn(MEMBER_FIELDS, { each: true, message: `columns may only hold ${MEMBER_FIELDS.join(', ')}` })
  columns?: MemberField[];

  @ApiPropertyOptional({ enum: LIST_FORMATS, isArray: true, default: LIST_FORMATS })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayUnique()
  @IsIn(LIST_FORMATS, { each: true, message: 'formats may only hold xlsx and pdf' })
  formats?: ListFormat[];

  @ApiPropertyOptional({ example: '0 7 1 * *', nullable: true, description: 'cron schedule; null = published by hand only' })
  @IsOptional()
  @ValidateIf((_, v) => v !== null)
  @IsString()
  @MaxLength(100)
  schedule?: string | null;

  @ApiPropertyOptional({ default: 'Europe/Copenhagen' }) @IsOptional() @IsString() @MaxLength(64) timeZone?: string;

  @ApiPropertyOptional({ default: 30 }) @IsOptional() @IsInt() @Min(1) @Max(365) bundleLifetimeDays?: number;

  @ApiPropertyOptional({ enum: RECIPIENTS_RULES, default: 'listed_members', description: 'listed_members = reciprocity' })
  @IsOptional()
  @IsIn(RECIPIENTS_RULES, { message: `recipientsRule must be one of ${RECIPIENTS_RULES.join(', ')}` })
  recipientsRule?: RecipientsRule;

  @ApiPropertyOptional({ default: false, description: 'skip a scheduled slot when nothing changed since the last edition' })
  @IsOptional()
  @IsBoolean()
  skipUnchanged?: boolean;

  @ApiPropertyOptional({ default: false, description: 'scheduled editions wait for a second coordinator to approve' })
  @IsOptional()
  @IsBoolean()
  requiresApproval?: boolean;
}

/** Every field of a new list but the slug, all optional; the same rules apply. */
export class UpdateListDto extends PartialType(OmitType(CreateListDto, ['slug'] as const)) {}

export class ListDto {
  @ApiProperty() id!: string;
  @ApiProperty() networkId!: string;
  @ApiProperty() slug!: string;
  @ApiProperty() title!: string;
  @ApiProperty({ enum: MEMBER_FIELDS, isArray: true }) columns!: MemberField[];
  @ApiProperty({ enum: LIST_FORMATS, isArray: true }) formats!: ListFormat[];
  @ApiProperty({ nullable: true, type: String }) schedule!: string | null;
  @ApiProperty() timeZone!: string;
  @ApiProperty() bundleLifetimeDays!: number;
  @ApiProperty({ enum: RECIPIENTS_RULES }) recipientsRule!: RecipientsRule;
  @ApiProperty() skipUnchanged!: boolean;
  @ApiProperty() requiresApproval!: boolean;
}
