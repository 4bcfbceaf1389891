import { generateKeyPairSync } from 'node:crypto';

/**
 * The per-installation secrets a service on a real database must be given (start-up refuses without
 * them). One audit signing key per test file, shared by its app, its CLI runs and its service processes.
 */
const AUDIT_SIGNING_KEY = generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();

export function testSecretEnv(): Record<string, string> {
  return { AUDIT_SIGNING_KEY };
}

/** Adds the test secrets to an environment that names a real database and does not bring its own. */
export function withTestSecrets(env: Record<string, string>): Record<string, string> {
  return env.DATABASE_URL ? { ...testSecretEnv(), ...env } : env;
}
