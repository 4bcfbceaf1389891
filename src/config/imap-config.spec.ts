import { describe, expect, it } from '@jest/globals';
import { ConfigError, loadConfig } from './load-config.js';

const problems = (env: Record<string, string>) => {
  try {
    loadConfig(env);
  } catch (e) {
    if (e instanceof ConfigError) return e;
    throw e;
  }
  throw new Error('the configuration was accepted');
};

describe('mailbox configuration (IMAP_URL, IMAP_POLL_SECONDS, IMAP_DONE_FOLDER)', () => {
  it('is off without IMAP_URL, with the documented defaults for the rest', () => {
    expect(loadConfig({})).toMatchObject({ imap: undefined, imapPollSeconds: 60, imapDoneFolder: 'Behandlet' });
  });

  it('reads user, password, host, port, TLS and folder from the URL', () => {
    expect(loadConfig({ IMAP_URL: 'imaps://helpline%40org.dk:p%40ss%2Fw0rd@mail.org.dk/Anmodninger' }).imap).toEqual({
      host: 'mail.org.dk',
      port: 993,
      secure: true,
      user: 'helpline@org.dk',
      password: 'p@ss/w0rd',
      folder: 'Anmodninger',
    });
    expect(loadConfig({ IMAP_URL: 'imap://u:p@127.0.0.1:1143' }).imap).toMatchObject({ port: 1143, secure: false, folder: 'INBOX' });
  });

  it.each([
    ['https://u:hemmeligt-kodeord@mail.org.dk/INBOX', /imap:\/\/ or imaps:\/\//],
    ['imaps://mail.org.dk/INBOX', /user name and a password/],
    ['imaps://u@mail.org.dk/INBOX', /user name and a password/],
    ['not a url hemmeligt-kodeord', /must be a URL/],
  ])('refuses %s, naming the key and never the password', (url, message) => {
    const error = problems({ IMAP_URL: url });
    expect(error.problems).toEqual([{ key: 'IMAP_URL', problem: expect.stringMatching(message) }]);
    expect(error.message).not.toContain('hemmeligt-kodeord');
  });

  it('refuses a poll interval below a second and a done folder IMAP cannot name', () => {
    const keys = problems({ IMAP_POLL_SECONDS: '0', IMAP_DONE_FOLDER: 'Behandlet*' }).problems.map((p) => p.key);
    expect(keys.sort()).toEqual(['IMAP_DONE_FOLDER', 'IMAP_POLL_SECONDS']);
  });
});
