import { ApiProperty } from '@nestjs/swagger';
import { IsString, Length, Matches } from 'class-validator';

export class CreateNetworkDto {
  @ApiProperty({ example: 'sjaeldne-netvaerket', description: 'lower-case letters, digits and single hyphens' })
  @IsString()
  @Length(1, 60)
  @Matches(/^[a-z0-9]+(-[a-z0-9]+)*$/, { message: 'slug may only hold lower-case letters, digits and single hyphens' })
  slug!: string;

  @ApiProperty({ example: 'Netværket for diagnose X' })
  @IsString()
  @Length(1, 200)
  name!: string;
}

export class NetworkDto {
  @ApiProperty() id!: string;
  @ApiProperty() slug!: string;
  @ApiProperty() name!: string;
  @ApiProperty() createdAt!: string;
}
