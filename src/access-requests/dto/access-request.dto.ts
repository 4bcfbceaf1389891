import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsUUID, Max, Min } from 'class-validator';

export class AccessRequestDto {
  @ApiProperty() id!: string;
  @ApiProperty() channel!: string;
  @ApiProperty() name!: string;
  @ApiProperty() email!: string;
  @ApiProperty({ enum: ['pending', 'approved', 'rejected'] }) state!: string;
  @ApiProperty({ enum: ['web', 'email', 'phone'], description: 'how the request came' }) source!: string;
  @ApiProperty({ nullable: true, type: String }) memberId!: string | null;
  @ApiProperty() createdAt!: string;
  @ApiProperty({ nullable: true, type: String }) decidedAt!: string | null;
}

export class AccessRequestPageDto {
  @ApiProperty({ type: [AccessRequestDto] }) items!: AccessRequestDto[];
  @ApiProperty() total!: number;
}

export class AccessRequestQuery {
  @ApiPropertyOptional({ enum: ['pending', 'approved', 'rejected'] })
  @IsOptional()
  @IsIn(['pending', 'approved', 'rejected'], { message: 'state must be pending, approved or rejected' })
  state?: 'pending' | 'approved' | 'rejected';

  @ApiPropertyOptional({ default: 1 }) @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(1_000_000) page?: number;
  @ApiPropertyOptional({ default: 50 }) @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(200) pageSize?: number;
}

export class ApproveAccessRequestDto {
  @ApiPropertyOptional({ description: 'link the request to this existing member' })
  @IsOptional()
  @IsUUID('all', { message: 'memberId must be a UUID' })
  memberId?: string;

  @ApiPropertyOptional({ description: 'create a new member from the request in this network' })
  @IsOptional()
  @IsUUID('all', { message: 'networkId must be a UUID' })
  networkId?: string;
}
