import { bech32 } from '@scure/base';

/**
 * BIP-173 bech32 as age uses it for `age1…` recipients and `AGE-SECRET-KEY-1…` identities, from
 * the audited @scure/base (no 90-character limit: age's plugin recipients are longer).
 */

/**
 * Decodes a bech32 string; null when it is not valid (checksum, characters, mixed case, padding).
 * @scure/base's errors quote the input, and an identity is a secret: they never leave here.
 */
export function bech32Decode(text: string): { hrp: string; data: Uint8Array } | null {
  try {
    const { prefix, words } = bech32.decode(text as `${string}1${string}`, false);
    return { hrp: prefix, data: bech32.fromWords(words) };
  } catch {
    return null;
  }
}

export function bech32Encode(hrp: string, data: Uint8Array): string {
  return bech32.encode(hrp, bech32.toWords(data), false);
}
