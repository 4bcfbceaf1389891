import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { withTestSecrets } from './test-secrets.js';

export const CLI_PATH = resolve('dist/src/cli.js');
export const MAIN_PATH = resolve('dist/src/main.js');

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
  /** The last stdout line parsed as JSON, when there is one. */
  json: Record<string, unknown> | undefined;
}

/** Runs the compiled command line exactly as a user would (`npm test` builds first). */
export function runCli(args: string[], env: Record<string, string>, stdin?: string): Promise<CliResult> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [CLI_PATH, ...args], {
      env: { PATH: process.env.PATH ?? '', LOG_LEVEL: 'warn', ...withTestSecrets(env) },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => {
      const last = stdout.trim().split('\n').pop() ?? '';
      let json: Record<string, unknown> | undefined;
      try {
        json = JSON.parse(last) as Record<string, unknown>;
      } catch {
        json = undefined;
      }
      resolvePromise({ code, stdout, stderr, json });
    });
    child.stdin.end(stdin ?? '');
  });
}
