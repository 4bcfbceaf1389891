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
 * A real database needs an explicit SESSION_SECRET (several instances must share it). The embedded
 * database is a single-machine set-up, so a secret is generated once and kept under DATA_DIR.
 */
export function resolveSessionSecret(config: AppConfig): void {
  if (config.sessionSecret) return;
  if (config.databaseMode === 'postgres') {
    throw new ConfigError([{ key: 'SESSION_SECRET', problem: 'is required when DATABASE_URL is set' }]);
  }
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
