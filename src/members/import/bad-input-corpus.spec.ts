import { describe, expect, it } from '@jest/globals';
import { brief, corpusBytes, corpusCases } from '../../../test/fixtures/bad-input/corpus.js';
import { parseMemberFile } from './member-file.parser.js';

// The parser alone over test/fixtures/bad-input; test/integration/bad-input.test.ts sends the same
// files through the API and the command line. Cases refused before the parser runs (an empty request
// body, a body over the size limit) and the e-mail already taken (a database fact) are left to it.
const cases = corpusCases().filter((c) => c.status !== 413 && !c.existingEmails && !c.http);

describe('parseMemberFile over the bad-input corpus', () => {
  it.each(cases.filter((c) => c.status !== 201).map((c) => [c.file, c] as const))('refuses %s with the listed problems', async (_file, c) => {
    const parsed = await parseMemberFile(corpusBytes(c));
    expect(parsed.format).toBe(c.format);
    expect(brief(parsed.problems)).toEqual(c.problems);
  });

  it.each(cases.filter((c) => c.status === 201).map((c) => [c.file, c] as const))('reads %s whole', async (_file, c) => {
    const parsed = await parseMemberFile(corpusBytes(c));
    expect(parsed.problems).toEqual([]);
    expect(parsed.drafts).toHaveLength(c.created!);
  });

  it('never puts a value from a refused file into a problem message', async () => {
    for (const c of cases.filter((x) => x.status !== 201)) {
      const parsed = await parseMemberFile(corpusBytes(c));
      const text = JSON.stringify(parsed.problems);
      for (const secret of ['010190', '0101901234', '101901234', 'cmd|', 'HYPERLINK', 'knahnaH', 'Mads', '@formula.', '@cpr.', 'SÃ¸ren', 'etc/hostname', 'diagnoser']) {
        expect(text).not.toContain(secret);
      }
    }
  });
});
