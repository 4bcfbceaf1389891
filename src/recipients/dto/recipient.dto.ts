import { ApiProperty } from '@nestjs/swagger';
import { IsString, MaxLength, MinLength } from 'class-validator';

export class AddRecipientDto {
  @ApiProperty({ example: 'age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p', description: 'an X25519 age recipient or an ssh-ed25519 public key' })
  @IsString()
  @MinLength(10)
  @MaxLength(1000)
  recipient!: string;
}

export class RecipientDto {
  @ApiProperty() id!: string;
  @ApiProperty({ enum: ['x25519', 'ssh-ed25519'] }) kind!: string;
  @ApiProperty() recipient!: string;
  @ApiProperty() fingerprint!: string;
  @ApiProperty({ enum: ['registered', 'portal'] }) source!: string;
  @ApiProperty() createdAt!: string;
}
