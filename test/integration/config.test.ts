import { describe, expect, it } from '@jest/globals';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, loadConfig, resolveInstallationSecrets } from '../../src/config/load-config.js';
import { startServiceExpectingFailure } from '../support/service-process.js';

describe('configuration', () => {
  it('applies the documented defaults', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({ port: 3000, dataDir: './var', timeZone: 'Europe/Copenhagen', logLevel: 'info', databaseMode: 'embedded' });
  });

  it('lists every bad key at once and never echoes a secret', () => {
    let error: unknown;
    try {
      loadConfig({ PORT: 'eighty', TZ: 'Mars/Olympus', DATABASE_URL: 'mysql://secret-password@db', LOG_LEVEL: 'loud', SESSION_SECRET: 'short' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const keys = (error as ConfigError).problems.map((p) => p.key).sort();
    expect(keys).toEqual(['DATABASE_URL', 'LOG_LEVEL', 'PORT', 'SESSION_SECRET', 'TZ']);
    expect((error as Error).message).not.toContain('secret-password');
  });

  it('reads the organisation logo at start: a PNG or SVG by its content, at most 200 KB, without scripts', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lb-logo-'));
    const file = (name: string, bytes: Buffer | string) => {
      writeFileSync(join(dir, name), bytes);
      return join(dir, name);
    };
    const problem = (path: string) => {
      try {
        loadConfig({ ORG_LOGO_PATH: path });
      } catch (e) {
        return (e as ConfigError).problems;
      }
      return [];
    };
    try {
      const png = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(100)]);
      expect(loadConfig({ ORG_LOGO_PATH: file('logo.svg', png) }).orgLogo).toMatchObject({ contentType: 'image/png', bytes: png });
      const svg = file('logo.png', '<svg xmlns="http://www.w3.org/2000/svg"/>');
      expect(loadConfig({ ORG_LOGO_PATH: svg }).orgLogo?.contentType).toBe('image/svg+xml');
      expect(loadConfig({}).orgLogo).toBeUndefined();
      expect(problem(join(dir, 'missing.png'))).toEqual([{ key: 'ORG_LOGO_PATH', problem: 'is not a readable file' }]);
      expect(problem(dir)).toEqual([{ key: 'ORG_LOGO_PATH', problem: 'is not a readable file' }]);
      expect(problem(file('big.png', Buffer.concat([png, Buffer.alloc(200 * 1024)])))[0].problem).toMatch(/at most 200 KB/);
      expect(problem(file('logo.gif', 'GIF89a....'))[0].problem).toMatch(/neither a PNG nor an SVG/);
      expect(problem(file('evil.svg', '<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'))[0].problem).toMatch(/scripts/);
      expect(problem(file('evil2.svg', '<svg><script>alert(1)</script></svg>'))[0].problem).toMatch(/scripts/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('requires every per-installation secret with a real database, and lists the missing ones together', () => {
    const config = loadConfig({ DATABASE_URL: 'postgres://localhost/x' });
    let error: unknown;
    try {
      resolveInstallationSecrets(config);
    } catch (e) {
      error = e;
    }
    expect((error as ConfigError).problems.map((p) => p.key)).toEqual(['SESSION_SECRET', 'AUDIT_SIGNING_KEY']);
    const partly = loadConfig({ DATABASE_URL: 'postgres://localhost/x', SESSION_SECRET: 'x'.repeat(32) });
    expect(() => resolveInstallationSecrets(partly)).toThrow(/AUDIT_SIGNING_KEY: is required when DATABASE_URL is set/);
  });

  it('generates a session secret once for the embedded database and keeps it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lb-cfg-'));
    try {
      const first = loadConfig({ DATA_DIR: dir });
      resolveInstallationSecrets(first);
      const second = loadConfig({ DATA_DIR: dir });
      resolveInstallationSecrets(second);
      expect(first.sessionSecret).toHaveLength(43);
      expect(second.sessionSecret).toBe(first.sessionSecret);
      expect(readFileSync(join(dir, 'session-secret'), 'utf8')).toBe(first.sessionSecret);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('makes the service exit non-zero at start-up, naming each bad key', async () => {
    const result = await startServiceExpectingFailure({ PORT: '-1', LOG_LEVEL: 'chatty' });
    expect(result.code).toBe(1);
    expect(result.output).toMatch(/PORT/);
    expect(result.output).toMatch(/LOG_LEVEL/);
  });
});
