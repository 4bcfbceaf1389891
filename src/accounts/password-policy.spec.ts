import { describe, expect, it } from '@jest/globals';
import { isCommonPassword, passwordProblems } from './password-policy.js';

const codes = (password: unknown) => passwordProblems(password).map((p) => p.code);

describe('password policy (NIST SP 800-63B)', () => {
  it('refuses 12+ character passwords from the common-password list, whatever their case and surrounding spaces', () => {
    // All on the SecLists top-1M list (1qaz2wsx3edc ranks 1,472nd, password1234 31,873rd, iloveyou1234 214,907th).
    for (const password of ['1qaz2wsx3edc', 'password1234', 'Password1234', 'PASSWORD1234', '  iloveyou1234 ', 'qwertyuiop123', 'passwordpassword']) {
      expect(codes(password)).toEqual(['PASSWORD_TOO_COMMON']);
    }
  });

  it('refuses a short common password padded with spaces up to the minimum length', () => {
    expect(codes('password    ')).toEqual(['PASSWORD_TOO_COMMON']);
    expect(codes('   Dragon    ')).toEqual(['PASSWORD_TOO_COMMON']);
  });

  it('names the field and never echoes the password', () => {
    const [problem] = passwordProblems('password1234', 'newPassword');
    expect(problem).toEqual({
      field: 'newPassword',
      code: 'PASSWORD_TOO_COMMON',
      message: 'newPassword is too common; choose a longer phrase only you would think of',
    });
    expect(JSON.stringify(problem)).not.toContain('password1234');
  });

  it('accepts an unusual long passphrase, with no composition rules', () => {
    expect(passwordProblems('violet tractors hum under the fjord')).toEqual([]);
    expect(passwordProblems('kaffe og rugbrød på tagterrassen')).toEqual([]);
    expect(isCommonPassword('violet tractors hum under the fjord')).toBe(false);
  });

  it('refuses 11 characters as too short and accepts 12 uncommon ones', () => {
    expect(codes('xq7-vb3-kp9')).toEqual(['PASSWORD_TOO_SHORT']);
    expect(codes('xq7-vb3-kp9m')).toEqual([]);
  });

  it('counts characters, not UTF-16 units: emoji are one character each', () => {
    expect(codes('🔐🔑🗝🚪🏠🌳🌲🌴🌵🌷🌻')).toEqual(['PASSWORD_TOO_SHORT']); // 11 emoji, 22 UTF-16 units
    expect(codes('🔐🔑🗝🚪🏠🌳🌲🌴🌵🌷🌻🌼')).toEqual([]); // 12 emoji
    expect(codes('🐟'.repeat(256))).toEqual([]);
    expect(codes('🐟'.repeat(257))).toEqual(['PASSWORD_TOO_LONG']);
  });

  it('still requires a string', () => {
    expect(codes(undefined)).toEqual(['PASSWORD_REQUIRED']);
    expect(codes(123456789012)).toEqual(['PASSWORD_REQUIRED']);
  });
});
