import QRCode from 'qrcode';
import { escapeHtml, SafeHtml } from './html.js';

/**
 * A QR code as inline SVG markup, made on the server: no script and no image request, so the
 * pages' CSP (no scripts, images from self) needs nothing new. The qrcode package's SVG uses only
 * presentation attributes (fill, stroke, d); any `style` attribute is stripped anyway, so a future
 * version cannot make the markup depend on inline styles. The label is the text alternative.
 */
export async function qrSvg(text: string, label: string): Promise<SafeHtml> {
  const svg = await QRCode.toString(text, { type: 'svg', errorCorrectionLevel: 'M', margin: 4 });
  const body = svg
    .replace(/\sstyle="[^"]*"/g, '')
    .replace(/^[\s\S]*?<svg\b([^>]*)>/, (_m, attributes: string) => `<svg${attributes} role="img" aria-label="${escapeHtml(label)}" width="232" height="232" focusable="false">`)
    .trim();
  if (!body.startsWith('<svg') || !body.endsWith('</svg>')) throw new Error('the QR code renderer gave no SVG');
  return new SafeHtml(body);
}
