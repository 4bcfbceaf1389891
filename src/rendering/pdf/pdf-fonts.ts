import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

/**
 * DejaVu Sans, shipped as an npm package: it covers Danish, Polish, Czech, Cyrillic and Greek,
 * which pdfkit's built-in (WinAnsi) fonts garble. Read once per process.
 */
const require = createRequire(import.meta.url);
let cache: { regular: Buffer; bold: Buffer } | undefined;

export function contactListFonts(): { regular: Buffer; bold: Buffer } {
  cache ??= {
    regular: readFileSync(require.resolve('dejavu-fonts-ttf/ttf/DejaVuSans.ttf')),
    bold: readFileSync(require.resolve('dejavu-fonts-ttf/ttf/DejaVuSans-Bold.ttf')),
  };
  return cache;
}
