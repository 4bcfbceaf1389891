import { describe, expect, it } from '@jest/globals';
import { EMAIL_PATTERN, isValidEmail, MAX_EMAIL_LENGTH } from './email.js';

describe('isValidEmail', () => {
  it('accepts ordinary addresses, also with letters beyond ASCII', () => {
    for (const ok of ['name@example.org', 'a.b+tag@sub.example.dk', 'søren@eksempel.dk']) expect(isValidEmail(ok)).toBe(true);
  });

  it('refuses what is not one address', () => {
    for (const bad of ['', 'no-at.example.org', '@example.org', 'a@b', 'a@@b.org', 'a b@c.org', 'a..b@c.org', 'a@b..org', 'a@-b.org', 'a@b.org\u0000']) {
      expect(isValidEmail(bad)).toBe(false);
    }
  });

  it('refuses 50,000-character inputs by their length before any pattern runs', () => {
    const inputs = [`a@${'.'.repeat(50_000)}@`, `${'a'.repeat(25_000)}@${'b.'.repeat(12_500)}`, `a@${'a-'.repeat(25_000)}`];
    const test = EMAIL_PATTERN.test.bind(EMAIL_PATTERN);
    let patternRuns = 0;
    EMAIL_PATTERN.test = (s: string) => {
      patternRuns++;
      return test(s);
    };
    try {
      for (const input of inputs) expect(isValidEmail(input)).toBe(false);
    } finally {
      EMAIL_PATTERN.test = test;
    }
    expect(patternRuns).toBe(0);
  });

  it('runs the pattern itself through crafted inputs of any length (no nested quantifiers to backtrack)', () => {
    // The inputs that made the old pattern quadratic; the pattern alone must finish them too.
    const crafted = [`a@${'.'.repeat(200_000)}@`, `${'a.'.repeat(100_000)}@`, `a@${'a'.repeat(61)}${'.a'.repeat(100_000)}!`, `a@${'ab-'.repeat(70_000)}`];
    for (const input of crafted) {
      expect(input.length).toBeGreaterThan(MAX_EMAIL_LENGTH);
      expect(EMAIL_PATTERN.test(input)).toBe(false);
    }
  }, 5_000);
});
