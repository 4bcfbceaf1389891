import { describe, expect, it } from '@jest/globals';
import { newSessionKey, openSecret, sealSecret } from './secret-box.js';

describe('secret box', () => {
  const identity = 'AGE-SECRET-KEY-1QQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQ';

  it('opens with the cookie key of the same session', () => {
    const key = newSessionKey();
    const sealed = sealSecret(key, 'session-1', identity);
    expect(sealed.includes(Buffer.from('AGE-SECRET-KEY'))).toBe(false);
    expect(openSecret(key, 'session-1', sealed)).toBe(identity);
  });

  it('does not open with another key, another session id or a changed byte', () => {
    const key = newSessionKey();
    const sealed = sealSecret(key, 'session-1', identity);
    expect(openSecret(newSessionKey(), 'session-1', sealed)).toBeUndefined();
    expect(openSecret(key, 'session-2', sealed)).toBeUndefined();
    const changed = Buffer.from(sealed);
    changed[20] ^= 1;
    expect(openSecret(key, 'session-1', changed)).toBeUndefined();
    expect(openSecret(key.subarray(0, 16), 'session-1', sealed)).toBeUndefined();
  });
});
