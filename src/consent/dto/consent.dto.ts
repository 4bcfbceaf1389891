import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayUnique, IsArray, IsIn, IsInt, IsOptional, IsString, Length, MaxLength, Min } from 'class-validator';
import { MEMBER_FIELDS, type MemberField } from '../../members/member-fields.js';
import { CONSENT_CHANNELS, type ConsentChannel } from '../consent.entity.js';

const STAFF_CHANNELS = ['phone', 'paper', 'email'] as const;

export class RecordConsentDto {
  @ApiProperty({ enum: MEMBER_FIELDS, isArray: true, description: 'fields the member agrees to show to the other members' })
  @IsArray()
  @ArrayUnique()
  @IsIn(MEMBER_FIELDS, { each: true, message: `fields may only hold ${MEMBER_FIELDS.join(', ')}` })
  fields!: MemberField[];

  @ApiProperty({ description: 'version of the network consent text the member agreed to' })
  @IsInt()
  @Min(1)
  consentTextVersion!: number;

  @ApiProperty({ enum: STAFF_CHANNELS, description: 'how the consent reached staff' })
  @IsIn(STAFF_CHANNELS, { message: `channel must be one of ${STAFF_CHANNELS.join(', ')}` })
  channel!: ConsentChannel;

  @ApiPropertyOptional({ description: 'e.g. "phone call 12 Nov, spoke with the member"; no health details' })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  note?: string;
}

export class WithdrawConsentDto {
  @ApiProperty({ enum: STAFF_CHANNELS })
  @IsIn(STAFF_CHANNELS, { message: `channel must be one of ${STAFF_CHANNELS.join(', ')}` })
  channel!: ConsentChannel;

  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(500) note?: string;
}

export class CreateConsentTextDto {
  @ApiProperty({ description: 'the text members agree to; a new version each time' })
  @IsString()
  @Length(1, 20000)
  body!: string;
}

export class ConsentTextDto {
  @ApiProperty() id!: string;
  @ApiProperty() version!: number;
  @ApiProperty() body!: string;
  @ApiProperty() createdAt!: string;
}

export class ConsentRecordDto {
  @ApiProperty() id!: string;
  @ApiProperty({ enum: ['grant', 'withdrawal'] }) kind!: string;
  @ApiProperty({ enum: MEMBER_FIELDS, isArray: true }) fields!: string[];
  @ApiProperty({ nullable: true, type: Number }) consentTextVersion!: number | null;
  @ApiProperty({ enum: CONSENT_CHANNELS }) channel!: string;
  @ApiProperty({ enum: ['staff', 'member', 'system'] }) recordedByType!: string;
  @ApiProperty({ nullable: true, type: String }) recordedById!: string | null;
  @ApiProperty({ nullable: true, type: String }) note!: string | null;
  @ApiProperty() recordedAt!: string;
}

export class EffectiveConsentDto {
  @ApiProperty() memberId!: string;
  @ApiProperty() networkId!: string;
  @ApiProperty({ enum: MEMBER_FIELDS, isArray: true }) fields!: string[];
  @ApiProperty({ nullable: true, type: String }) since!: string | null;
}
