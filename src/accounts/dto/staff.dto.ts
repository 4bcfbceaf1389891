import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayUnique, IsArray, IsIn, IsOptional, IsString, IsUUID, Length, MaxLength } from 'class-validator';
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
}

export class StaffDto {
  @ApiProperty() id!: string;
  @ApiProperty() email!: string;
  @ApiProperty({ enum: STAFF_ROLES }) role!: StaffRole;
  @ApiProperty({ type: [String] }) networkIds!: string[];
  @ApiProperty() createdAt!: string;
}

export class TokenDto {
  @ApiProperty() id!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ description: 'shown once; send as `Authorization: Bearer <token>`' }) token!: string;
}
