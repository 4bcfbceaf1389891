import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { networkInterfaces, tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { ConfigError, loadConfig } from '../../src/config/load-config.js';
import { insertStaff } from '../factories/factories.js';
import { startService } from '../support/service-process.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';
import { startTestApp, TEST_SESSION_SECRET } from '../support/test-app.js';
import { testSecretEnv } from '../support/test-secrets.js';

const problemKeys = (env: Record<string, string>) => {
  try {
    loadConfig(env);
  } catch (error) {
    return (error as ConfigError).problems.map((p) => p.key);
  }
  return [];
};

describe('HOST and TRUST_PROXY settings', () => {
  it('default to the loopback interface and a proxy on the same machine, and refuse values express would misread', () => {
    expect(loadConfig({})).toMatchObject({ host: '127.0.0.1', trustProxy: 'loopback' });
    expect(loadConfig({ TRUST_PROXY: '2' }).trustProxy).toBe(2);
    expect(loadConfig({ TRUST_PROXY: '10.0.0.0/8, 192.168.1.5,loopback' }).trustProxy).toEqual(['10.0.0.0/8', '192.168.1.5', 'loopback']);
    expect(loadConfig({ TRUST_PROXY: 'false' }).trustProxy).toBe(false);
    expect(loadConfig({ HOST: '::' }).host).toBe('::');
    for (const bad of ['true', 'banana', '10.0.0.0/33', '300.1.1.1', '-1', '10.0.0.1,,']) expect(problemKeys({ TRUST_PROXY: bad })).toEqual(['TRUST_PROXY']);
    for (const bad of ['my host!', '999.1.1.1', 'http://x']) expect(problemKeys({ HOST: bad })).toEqual(['HOST']);
  });

  it('takes the client address from the hop TRUST_PROXY names, so per-address delays work behind a proxy on another host', async () => {
    const t = await startTestApp({ TRUST_PROXY: '2', LOGIN_MAX_FAILURES: '3' });
    try {
      const staff = await insertStaff(t.app, 'coordinator');
      // A load balancer (10.5.0.1) in front of a proxy on this host: the client is the first address.
      const login = (client: string, password: string) =>
        request(t.http).post('/api/v1/auth/login').set('X-Forwarded-For', `${client}, 10.5.0.1`).send({ email: staff.email, password });
      for (let i = 0; i < 3; i++) await login('203.0.113.7', 'not the password at all').expect(401);
      await login('203.0.113.7', staff.password).expect(429);
      await login('198.51.100.9', staff.password).expect(200);
    } finally {
      await t.close();
    }
  });
});

describe('the service process', () => {
  let database: TestDatabase;
  let dataDir: string;
  beforeAll(async () => {
    database = await createTestDatabase();
    dataDir = mkdtempSync(join(tmpdir(), 'lb-listen-'));
  });
  afterAll(async () => {
    await database?.drop();
    rmSync(dataDir, { recursive: true, force: true });
  });
  const outside = Object.values(networkInterfaces()).flat().find((a) => a?.family === 'IPv4' && !a.internal)?.address;

  it('listens only on 127.0.0.1 unless HOST says otherwise', async () => {
    const env = { DATABASE_URL: database.url, SESSION_SECRET: TEST_SESSION_SECRET, ...testSecretEnv(), DATA_DIR: dataDir, LOG_LEVEL: 'info' };
    const local = await startService(env);
    try {
      expect(local.output()).toMatch(/"host":"127\.0\.0\.1"/);
      if (outside) {
        const port = new URL(local.baseUrl).port;
        await expect(fetch(`http://${outside}:${port}/health`)).rejects.toThrow();
      }
    } finally {
      await local.stop();
    }
    const everywhere = await startService({ ...env, HOST: '0.0.0.0' });
    try {
      if (outside) expect((await fetch(`http://${outside}:${new URL(everywhere.baseUrl).port}/health`)).status).toBe(200);
    } finally {
      await everywhere.stop();
    }
  });
});
