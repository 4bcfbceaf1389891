import { describe, expect, it } from '@jest/globals';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
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
