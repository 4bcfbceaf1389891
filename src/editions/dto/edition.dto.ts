import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsOptional } from 'class-validator';
import { EDITION_STATES } from '../edition.entity.js';

export class EditionDiffDto {
  @ApiProperty({ type: [String], description: 'member ids added since the previous edition' }) added!: string[];
  @ApiProperty({ type: [String] }) removed!: string[];
  @ApiProperty({ type: 'array', items: { type: 'object', properties: { memberId: { type: 'string' }, fields: { type: 'array', items: { type: 'string' } } } } })
  changed!: { memberId: string; fields: string[] }[];
}

export class BundleProgressDto {
  @ApiProperty() total!: number;
  @ApiProperty({ description: 'bundles built and ready to download' }) ready!: number;
  @ApiProperty() pending!: number;
  @ApiProperty() building!: number;
  @ApiProperty() waitingForKey!: number;
  @ApiProperty() failed!: number;
  @ApiProperty() revoked!: number;
  @ApiProperty() expired!: number;
}

export class EditionDto {
  @ApiProperty() id!: string;
  @ApiProperty() listId!: string;
  @ApiProperty() networkId!: string;
  @ApiProperty({ enum: EDITION_STATES }) state!: string;
  @ApiProperty({ nullable: true, type: String, description: 'the scheduled slot, or null when published by hand' }) slot!: string | null;
  @ApiProperty() contentHash!: string;
  @ApiProperty() rowCount!: number;
  @ApiProperty() recipientCount!: number;
  @ApiProperty({ type: EditionDiffDto }) diff!: EditionDiffDto;
  @ApiProperty() requestedByType!: string;
  @ApiProperty({ nullable: true, type: String }) requestedById!: string | null;
  @ApiProperty({ nullable: true, type: String }) approvedById!: string | null;
  @ApiProperty() createdAt!: string;
  @ApiProperty({ nullable: true, type: String }) publishedAt!: string | null;
  @ApiPropertyOptional({ type: BundleProgressDto }) progress?: BundleProgressDto;
  @ApiProperty({ nullable: true, type: String, description: 'a member it listed was erased since; publish a corrected edition (art. 19)' })
  correctionNeededSince!: string | null;
}

export class EditionRowDto {
  @ApiProperty() memberId!: string;
  @ApiProperty({ type: Object, description: 'only the fields the member granted and the list shows' }) values!: Record<string, string>;
}

export class EditionPreviewDto {
  @ApiProperty({ type: [String] }) columns!: string[];
  @ApiProperty({ type: [EditionRowDto] }) rows!: EditionRowDto[];
  @ApiProperty({ type: EditionDiffDto }) diff!: EditionDiffDto;
  @ApiProperty() recipientCount!: number;
  @ApiProperty() contentHash!: string;
}

export class BundleStatusDto {
  @ApiProperty() bundleId!: string;
  @ApiProperty() memberId!: string;
  @ApiProperty() state!: string;
  @ApiProperty() attempts!: number;
  @ApiProperty({ nullable: true, type: String }) lastError!: string | null;
  @ApiProperty({ nullable: true, type: String }) builtAt!: string | null;
  @ApiProperty({ nullable: true, type: String }) downloadedAt!: string | null;
  @ApiProperty() expiresAt!: string;
}

export class PublishEditionDto {
  @ApiPropertyOptional({ description: 'publish even when nothing changed since the last edition (otherwise 409 EDITION_UNCHANGED)' })
  @IsOptional()
  @IsBoolean({ message: 'force must be true or false' })
  force?: boolean;
}
