import { describe, expect, it } from '@jest/globals';
import type { ErrorKind } from '../domain-error.js';
import { PAGE_ERROR_TEXTS, pageErrorFor } from './page-errors.js';

// Written out so that a new kind also needs a line here (the Record makes the compiler ask for it).
const KINDS: Record<ErrorKind, number | 'login'> = { invalid: 400, unauthenticated: 'login', forbidden: 403, not_found: 404, conflict: 409, gone: 410, too_many: 429 };

describe('pageErrorFor', () => {
  it('gives every domain error kind a page and a status below 500, with words in both languages', () => {
    for (const [kind, expected] of Object.entries(KINDS) as [ErrorKind, number | 'login'][]) {
      const page = pageErrorFor(kind);
      if (page.login) {
        expect(expected).toBe('login');
        continue;
      }
      expect(page.status).toBe(expected);
      for (const locale of ['da', 'en'] as const) expect(PAGE_ERROR_TEXTS[locale][page.kind].title.length).toBeGreaterThan(0);
    }
  });
});
