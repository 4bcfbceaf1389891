/**
 * Which channel a mail's subject asks for. People type the seed's subject by hand, answer their own
 * mail, or their program forwards it, so the match forgives case, spacing, reply and forward
 * prefixes (also Danish and German ones, repeated) and Danish letters written as ae, oe and aa.
 * Anything else must be the phrase itself: a subject that merely mentions it is not a request.
 */

const PREFIX = /^\s*(re|fwd?|sv|vs|aw|wg)\s*(\[\d+\])?\s*:\s*/i;

export function normaliseSubject(subject: string): string {
  let s = subject.normalize('NFC').toLowerCase();
  for (let previous = ''; previous !== s; ) {
    previous = s;
    s = s.replace(PREFIX, '');
  }
  return s
    .replace(/æ/g, 'ae')
    .replace(/ø/g, 'oe')
    .replace(/å/g, 'aa')
    .replace(/\s*-\s*/g, '-')
    .replace(/\s+/g, ' ')
    .replace(/[\s.!]+$/, '')
    .trim();
}

export interface SubjectRule {
  channel: string;
  subjects: string[];
}

/** Builds the lookup once per run; answers the channel or null. */
export function subjectMatcher(rules: SubjectRule[]): (subject: string | undefined) => string | null {
  const byPhrase = new Map<string, string>();
  for (const rule of rules) {
    for (const phrase of rule.subjects) {
      const key = normaliseSubject(phrase);
      if (key && !byPhrase.has(key)) byPhrase.set(key, rule.channel);
    }
  }
  return (subject) => (subject ? (byPhrase.get(normaliseSubject(subject)) ?? null) : null);
}
