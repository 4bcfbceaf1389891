import { describe, expect, it } from '@jest/globals';
import { bareAddress, findTextPart, nameFromBody, parseHeaders, skipReason } from './mail-content.js';

describe('the name in a request mail', () => {
  it('is the first line with text, trimmed, whitespace runs made one space, at most 200 characters', () => {
    expect(nameFromBody('\r\n \t\r\n  Jens   Peter\tHansen  \r\nAndet\r\n', false)).toBe('Jens Peter Hansen');
    expect(nameFromBody(`${'å'.repeat(250)}\n`, false)).toBe('å'.repeat(200));
    expect(nameFromBody('\r\n  \r\n', false)).toBeNull();
  });

  it('is read from the text of an HTML-only mail, without markup or link targets', () => {
    expect(nameFromBody('<div><br></div><p><a href="https://x.example">Søren</a> <b>Ørsted</b></p><p>Mere</p>', true)).toBe('Søren Ørsted');
  });
});

describe('the part read for the name', () => {
  it('is the text/plain part of an alternative, never an attachment or an attached message', () => {
    expect(findTextPart({ type: 'text/plain' })).toEqual({ part: '1', html: false });
    expect(
      findTextPart({
        type: 'multipart/mixed',
        childNodes: [
          {
            part: '1',
            type: 'multipart/alternative',
            childNodes: [
              { part: '1.1', type: 'text/html' },
              { part: '1.2', type: 'text/plain' },
            ],
          },
          { part: '2', type: 'text/plain', disposition: 'attachment' },
        ],
      }),
    ).toEqual({ part: '1.2', html: false });
    const mixed = (...childNodes: { part: string; type: string; disposition?: string }[]) =>
      findTextPart({ type: 'multipart/mixed', childNodes });
    expect(mixed({ part: '1', type: 'message/rfc822' }, { part: '2', type: 'text/plain', disposition: 'attachment' })).toBeNull();
    expect(mixed({ part: '1', type: 'text/html' }, { part: '2', type: 'image/png' })).toEqual({ part: '1', html: true });
  });
});

describe('mails that are never answered', () => {
  const own = new Set(['helpline@org.dk']);
  const reason = (from: string | undefined, headers: string, contentType = 'text/plain') =>
    skipReason({ from, headers: parseHeaders(headers), contentType, ownAddresses: own });

  it.each([
    ['Auto-Submitted: auto-replied', 'auto_reply'],
    ['Auto-Submitted: Auto-Generated; owner-email="x@y"', 'auto_reply'],
    ['Precedence: bulk', 'auto_reply'],
    ['Precedence: junk', 'auto_reply'],
    ['Precedence: list', 'auto_reply'],
    ['X-Autoreply: yes', 'auto_reply'],
    ['X-Autorespond: yes', 'auto_reply'],
    ['X-Auto-Response-Suppress: All', 'auto_reply'],
    ['List-Id: <nyt.org.dk>', 'auto_reply'],
    ['Return-Path: <>', 'bounce'],
    ['Return-Path: <MAILER-DAEMON@mx.example>', 'bounce'],
  ])('%s → %s', (headers, expected) => {
    expect(reason('p@person.example', headers)).toBe(expected);
  });

  it('includes bounces, the organisation’s own mail and mail without a sender; a person’s mail passes', () => {
    expect(reason('p@person.example', '', 'multipart/report')).toBe('bounce');
    expect(reason('postmaster@mx.example', '')).toBe('bounce');
    expect(reason('HELPLINE@org.dk', '')).toBe('own_address');
    expect(reason(undefined, '')).toBe('no_sender');
    expect(reason('p@person.example', 'Auto-Submitted: no\r\nReturn-Path: <p@person.example>\r\nPrecedence: normal')).toBeNull();
  });

  it('reads folded header lines', () => {
    expect(parseHeaders('Auto-Submitted:\r\n  auto-replied\r\nX: y').get('auto-submitted')).toBe('auto-replied');
    expect(bareAddress('Sjældne Diagnoser <No-Reply@Org.dk>')).toBe('no-reply@org.dk');
  });
});
