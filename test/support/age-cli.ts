import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface AgeKey {
  identityFile: string;
  recipient: string;
}

/** A key pair made by the real `age-keygen`. */
export async function ageKeygen(dir: string, name: string): Promise<AgeKey> {
  const identityFile = join(dir, `${name}.key`);
  await run('age-keygen', ['-o', identityFile]);
  const recipient = (await run('age-keygen', ['-y', identityFile])).stdout.trim();
  return { identityFile, recipient };
}

/** Decrypts with the real `age` CLI; rejects when age refuses. */
export async function ageDecrypt(ciphertext: Buffer, identityFile: string, dir: string): Promise<Buffer> {
  const input = join(dir, `in-${process.hrtime.bigint()}.age`);
  await writeFile(input, ciphertext);
  const { stdout } = await run('age', ['-d', '-i', identityFile, input], { encoding: 'buffer', maxBuffer: 1 << 30 });
  return stdout;
}
