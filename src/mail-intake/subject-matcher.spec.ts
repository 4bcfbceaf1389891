import { describe, expect, it } from '@jest/globals';
import { normaliseSubject, subjectMatcher } from './subject-matcher.js';

const match = subjectMatcher([
  { channel: 'Helpline', subjects: ['Anmodning om sikker mail med Helpline'] },
  { channel: 'Sjældne-netværket', subjects: ['Anmodning om sikker mail med Sjældne-netværket'] },
]);

describe('subject matcher', () => {
  it.each([
    ['Anmodning om sikker mail med Helpline', 'Helpline'],
    ['anmodning om SIKKER mail med helpline', 'Helpline'],
    ['  Anmodning   om sikker\tmail med Helpline  ', 'Helpline'],
    ['Re: Anmodning om sikker mail med Helpline', 'Helpline'],
    ['SV: VS: Fwd: RE:Anmodning om sikker mail med Helpline', 'Helpline'],
    ['Fw: Anmodning om sikker mail med Helpline.', 'Helpline'],
    ['Anmodning om sikker mail med Sjældne-netværket', 'Sjældne-netværket'],
    ['Anmodning om sikker mail med Sjaeldne-netvaerket', 'Sjældne-netværket'],
    ['ANMODNING OM SIKKER MAIL MED SJÆLDNE - NETVÆRKET', 'Sjældne-netværket'],
    ['Re: Re: anmodning om sikker mail med sjaeldne-netværket', 'Sjældne-netværket'],
  ])('matches %j to %s', (subject, channel) => {
    expect(match(subject)).toBe(channel);
  });

  it.each([
    [''],
    ['Anmodning om sikker mail'],
    ['Spørgsmål om medicin'],
    ['Automatisk svar: Anmodning om sikker mail med Helpline'],
    ['Anmodning om sikker mail med Helpline og andet'],
    ['Vi har modtaget din anmodning'],
  ])('does not match %j', (subject) => {
    expect(match(subject)).toBeNull();
  });

  it('writes æ, ø and å as ae, oe and aa, so both spellings meet', () => {
    expect(normaliseSubject('Sjældne Øer på Å')).toBe(normaliseSubject('sjaeldne oeer paa aa'));
  });

  it('matches nothing when no phrases are configured', () => {
    expect(subjectMatcher([])('Anmodning om sikker mail med Helpline')).toBeNull();
  });
});
