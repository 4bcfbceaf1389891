import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AppConfig, configSchema, SECRET_KEYS } from './app-config.js';
import { readOrgLogo } from './org-logo.js';

export class ConfigError extends Error {
  constructor(readonly problems: { key: string; problem: string }[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p.key}: ${p.problem}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Reads only the keys the schema knows, so unrelated environment never leaks into the app. */
export function loadConfig(env: Record<string, string | undefined> = process.env): AppConfig {
  const known = Object.keys(configSchema.shape);
  const input: Record<string, string> = {};
  for (const key of known) {
    const value = env[key];
    if (value !== undefined && value !== '') input[key] = value;
  }
  const result = configSchema.safeParse(input);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => {
      const key = String(issue.path[0] ?? 'config');
      // A secret's value must never be echoed; zod messages do not include it, but be explicit.
      return { key, problem: SECRET_KEYS.has(key) ? issue.message.replace(/"[^"]*"/g, '"***"') : issue.message };
    });
    throw new ConfigError(problems);
  }
  const config = new AppConfig(result.data);
  if (config.orgLogoPath) {
    try {
      config.orgLogo = readOrgLogo(config.orgLogoPath);
    } catch (e) {
      throw new ConfigError([{ key: 'ORG_LOGO_PATH', problem: (e as Error).message }]);
    }
  }
  return config;
}

/**
 * The secrets that belong to the installation, not to one process: every instance must hold the
 * same ones, and a rebuilt container must get them back. With a real database they must come from
 * configuration (start-up lists every missing one). The embedded database is a single-machine
 * set-up: the session secret is generated once and kept under DATA_DIR, and the audit signing key
 * is made there on first use (see AuditSigningKey).
 */
export const INSTALLATION_SECRETS = ['SESSION_SECRET', 'AUDIT_SIGNING_KEY'] as const;

export function resolveInstallationSecrets(config: AppConfig): void {
  if (config.databaseMode === 'postgres') {
    const present = { SESSION_SECRET: config.sessionSecret, AUDIT_SIGNING_KEY: config.auditSigningKey };
    const missing = INSTALLATION_SECRETS.filter((key) => !present[key]);
    if (missing.length) {
      const problem = 'is required when DATABASE_URL is set (every instance must share it; see .env.example)';
      throw new ConfigError(missing.map((key) => ({ key, problem })));
    }
    return;
  }
  if (config.sessionSecret) return;
  mkdirSync(config.dataDir, { recursive: true, mode: 0o700 });
  const file = join(config.dataDir, 'session-secret');
  try {
    config.sessionSecret = readFileSync(file, 'utf8').trim();
  } catch {
    const secret = randomBytes(32).toString('base64url');
    writeFileSync(file, secret, { mode: 0o600, flag: 'wx' });
    config.sessionSecret = secret;
  }
}
