import { describe, expect, it } from '@jest/globals';
import { formPageOf, loginPath, safeReturnPath } from './return-path.js';

describe('safeReturnPath', () => {
  it('keeps a local portal page, without a trailing slash', () => {
    expect(safeReturnPath('/portal/samtykke')).toBe('/portal/samtykke');
    expect(safeReturnPath('/portal/mine-data/sletning/')).toBe('/portal/mine-data/sletning');
  });

  it.each([
    '//evil.example/portal',
    'https://evil.example/portal/samtykke',
    '/\\evil.example',
    '/portal/../../evil',
    '/portal/%2e%2e/x',
    '/portal//evil.example',
    '/portal/samtykke?x=1',
    '/portalx',
    '/console',
    '/portal/login',
    '/portal/logout',
    '/portal/beskeder/00000000-0000-4000-8000-000000000000/zip',
    ' /portal/samtykke',
    '/portal/samtykke\n',
    '',
    undefined,
    ['/portal/samtykke'],
  ])('drops %p', (raw) => {
    expect(safeReturnPath(raw)).toBeUndefined();
  });

  it('returns a two-step action to its page and builds the login address with the path encoded', () => {
    expect(formPageOf('/portal/to-trin/bekraeft')).toBe('/portal/to-trin');
    expect(formPageOf('/portal/logout')).toBeUndefined();
    expect(loginPath({ next: '/portal/samtykke', expired: true })).toBe('/portal/login?expired=1&next=%2Fportal%2Fsamtykke');
    expect(loginPath({})).toBe('/portal/login');
  });
});
