import { Injectable } from '@nestjs/common';
import argon2 from 'argon2';

/** argon2id with the library's current defaults (OWASP-level memory cost). */
@Injectable()
export class PasswordHasher {
  private dummy: Promise<string> | undefined;

  hash(password: string): Promise<string> {
    return argon2.hash(password, { type: argon2.argon2id });
  }

  async verify(hash: string, password: string): Promise<boolean> {
    try {
      return await argon2.verify(hash, password);
    } catch {
      return false;
    }
  }

  /** Spends the same time as a real check, so unknown accounts cannot be told apart by timing. */
  async verifyNothing(password: string): Promise<false> {
    this.dummy ??= this.hash('listebud-timing-equaliser');
    await this.verify(await this.dummy, password);
    return false;
  }
}
