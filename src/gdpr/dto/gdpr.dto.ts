import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, MaxLength } from 'class-validator';

const ERASURE_CHANNELS = ['portal', 'phone', 'paper', 'email'] as const;
const STAFF_CHANNELS = ['phone', 'paper', 'email'] as const;

export class ErasureRequestDto {
  @ApiPropertyOptional({
    enum: ERASURE_CHANNELS,
    description: 'how the request reached staff; may be left out when the member asked in the portal (an open erasure request)',
  })
  @IsOptional()
  @IsIn(ERASURE_CHANNELS, { message: `channel must be one of ${ERASURE_CHANNELS.join(', ')}` })
  channel?: (typeof ERASURE_CHANNELS)[number];
}

export class ObjectionRequestDto {
  @ApiProperty({ enum: STAFF_CHANNELS, description: 'how the objection reached staff' })
  @IsIn(STAFF_CHANNELS, { message: `channel must be one of ${STAFF_CHANNELS.join(', ')}` })
  channel!: (typeof STAFF_CHANNELS)[number];
}

export class ErasureResultDto {
  @ApiProperty() memberId!: string;
  @ApiProperty({ description: 'when the member was erased (the first time)' }) erasedAt!: string;
  @ApiProperty({ description: 'the member had been erased before; only leftovers (if any) were cleaned up now' }) alreadyErased!: boolean;
  @ApiProperty({ description: 'networks the member was in; every membership is now "left"' }) networks!: number;
  @ApiProperty() consentWithdrawals!: number;
  @ApiProperty({ description: 'the portal account with the password-wrapped key' }) accountDeleted!: boolean;
  @ApiProperty() sessionsDeleted!: number;
  @ApiProperty() tokensDeleted!: number;
  @ApiProperty() keysDeleted!: number;
  @ApiProperty() bundlesRevoked!: number;
  @ApiProperty({ description: "other recipients' bundles revoked because their edition listed the member (downloaded or not)" })
  copiesRetired!: number;
  @ApiProperty({ description: 'bundle files deleted from the store' }) bundleFilesDeleted!: number;
  @ApiProperty({ description: "editions whose snapshot no longer holds the member's row" }) editionsScrubbed!: number;
  @ApiProperty({ description: 'distributed editions now flagged for a corrected edition (art. 19)' }) editionsFlagged!: number;
  @ApiProperty({ description: 'corrected editions created, one per list whose copies were retired (awaiting approval where the list asks for it)' })
  correctionsCreated!: number;
  @ApiProperty() accessRequestsScrubbed!: number;
  @ApiProperty() mailsScrubbed!: number;
  @ApiProperty() dataRequestsClosed!: number;
}

export class ObjectionResultDto {
  @ApiProperty() memberId!: string;
  @ApiProperty({ description: 'networks the member is in' }) networks!: number;
  @ApiProperty({ description: 'withdrawals recorded now (none where the newest record already was one)' }) withdrawals!: number;
}

export class DataRequestQuery {
  @ApiPropertyOptional({ enum: ['open', 'done', 'rejected'], default: 'open' })
  @IsOptional()
  @IsIn(['open', 'done', 'rejected'], { message: 'state must be open, done or rejected' })
  state?: 'open' | 'done' | 'rejected';
}

export class DataRequestItemDto {
  @ApiProperty() id!: string;
  @ApiProperty() memberId!: string;
  @ApiProperty() memberName!: string;
  @ApiProperty({ enum: ['erasure'] }) kind!: string;
  @ApiProperty({ enum: ['open', 'done', 'rejected'] }) state!: string;
  @ApiProperty() createdAt!: string;
  @ApiProperty({ nullable: true, type: String }) closedAt!: string | null;
}

export class DataRequestPageDto {
  @ApiProperty({ type: [DataRequestItemDto] }) items!: DataRequestItemDto[];
  @ApiProperty() total!: number;
}

export class ProcessingReportQuery {
  @ApiProperty({ description: 'start, inclusive: YYYY-MM-DD or YYYY-MM (midnight in the organisation\'s time zone) or an ISO 8601 instant', example: '2025-01-01' })
  @IsString({ message: 'from is required (YYYY-MM-DD)' })
  @MaxLength(40)
  from!: string;

  @ApiProperty({ description: 'end, exclusive; same forms as from', example: '2026-01-01' })
  @IsString({ message: 'to is required (YYYY-MM-DD)' })
  @MaxLength(40)
  to!: string;
}

export class ProcessingReportRowDto {
  @ApiProperty() networkId!: string;
  @ApiProperty() networkName!: string;
  @ApiProperty({ example: '2025-03', description: "calendar month in the organisation's time zone" }) month!: string;
  @ApiProperty({ description: 'editions published (edition.published events)' }) editionsPublished!: number;
  @ApiProperty({ description: 'distinct members a bundle was built for (bundle.built events)' }) recipients!: number;
  @ApiProperty({ description: 'bundles built' }) bundlesBuilt!: number;
  @ApiProperty({ type: [String], description: 'union of the fields the rows of those editions showed' }) fieldsShared!: string[];
  @ApiProperty({ type: [String] }) editionIds!: string[];
}

export class ProcessingReportDto {
  @ApiProperty() from!: string;
  @ApiProperty() to!: string;
  @ApiProperty() timeZone!: string;
  @ApiProperty() generatedAt!: string;
  @ApiProperty({ description: 'where the figures come from' }) source!: string;
  @ApiProperty({ type: [ProcessingReportRowDto] }) rows!: ProcessingReportRowDto[];
}
