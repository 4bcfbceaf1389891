import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, Matches, MaxLength, MinLength } from 'class-validator';

export class LoginDto {
  @ApiProperty() @IsString() @MinLength(3) @MaxLength(254) email!: string;
  @ApiProperty() @IsString() @MinLength(1) @MaxLength(256) password!: string;

  @ApiPropertyOptional({ description: 'the 6-digit code from the authenticator app, for accounts with TOTP' })
  @IsOptional()
  @Matches(/^\s*\d{3}\s?\d{3}\s*$/, { message: 'code must be 6 digits' })
  code?: string;
}

export class TotpCodeDto {
  @ApiProperty({ description: 'the 6-digit code from the authenticator app' })
  @Matches(/^\s*\d{3}\s?\d{3}\s*$/, { message: 'code must be 6 digits' })
  code!: string;
}

export class TotpSetupDto {
  @ApiProperty({ description: 'the shared secret (base32) to enter in an authenticator app' }) secret!: string;
  @ApiProperty({ description: 'otpauth:// address with the same secret' }) otpauthUri!: string;
}

export class TotpRestartDto {
  @ApiPropertyOptional({ description: 'while two-step login is on: a current code from the app, to replace the secret' })
  @IsOptional()
  @Matches(/^\s*\d{3}\s?\d{3}\s*$/, { message: 'code must be 6 digits' })
  code?: string;
}
