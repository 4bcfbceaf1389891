import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayUnique, IsArray, IsEmail, IsIn, IsInt, IsOptional, IsString, IsUUID, Length, Max, MaxLength, Min } from 'class-validator';
import { STAFF_ROLES, type StaffRole } from '../../common/actor.js';
import { IsEmailAddress } from '../../common/email.js';

export class CreateStaffDto {
  @ApiProperty() @IsEmailAddress() email!: string;

  @ApiProperty({ minLength: 12, description: 'the initial password; at least 12 characters' })
  @IsString()
  @Length(12, 256, { message: 'password must be between 12 and 256 characters' })
  password!: string;

  @ApiProperty({ enum: STAFF_ROLES })
  @IsIn(STAFF_ROLES, { message: `role must be one of ${STAFF_ROLES.join(', ')}` })
  role!: StaffRole;

  @ApiPropertyOptional({ type: [String], description: 'networks a coordinator works in' })
  @IsOptional()
  @IsArray()
  @ArrayUnique()
  @IsUUID('all', { each: true, message: 'networkIds must hold network ids' })
  networkIds?: string[];
}

export class SetStaffNetworksDto {
  @ApiProperty({ type: [String] })
  @IsArray()
  @ArrayUnique()
  @IsUUID('all', { each: true, message: 'networkIds must hold network ids' })
  networkIds!: string[];
}

export class CreateTokenDto {
  @ApiProperty({ example: 'nightly export script' }) @IsString() @Length(1, 100) name!: string;

  @ApiPropertyOptional({ minimum: 1, maximum: 365, default: 90, description: 'days until the token stops working' })
  @IsOptional()
  @IsInt({ message: 'expiresInDays must be a whole number from 1 to 365' })
  @Min(1, { message: 'expiresInDays must be a whole number from 1 to 365' })
  @Max(365, { message: 'expiresInDays must be a whole number from 1 to 365' })
  expiresInDays?: number;
}

export class StaffDto {
  @ApiProperty() id!: string;
  @ApiProperty() email!: string;
  @ApiProperty({ enum: STAFF_ROLES }) role!: StaffRole;
  @ApiProperty({ type: [String] }) networkIds!: string[];
  @ApiProperty() createdAt!: string;
  @ApiProperty({ type: String, nullable: true, description: 'set while the account is disabled' }) disabledAt!: string | null;
}

export class TokenDto {
  @ApiProperty() id!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ description: 'shown once; send as `Authorization: Bearer <token>`' }) token!: string;
  @ApiProperty() expiresAt!: string;
}

export class TokenInfoDto {
  @ApiProperty() id!: string;
  @ApiProperty() name!: string;
  @ApiProperty() createdAt!: string;
  @ApiProperty() expiresAt!: string;
  @ApiProperty({ type: String, nullable: true }) lastUsedAt!: string | null;
  @ApiProperty({ type: String, nullable: true }) revokedAt!: string | null;
}
