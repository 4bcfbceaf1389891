import { describe, expect, it } from '@jest/globals';
import { qrSvg } from './qr-svg.js';

describe('qrSvg', () => {
  it('makes one inline SVG with a text alternative, without scripts or style attributes', async () => {
    const svg = (await qrSvg('otpauth://totp/listebud:a%40b.dk?secret=JBSWY3DPEHPK3PXP&issuer=listebud', 'QR "code" <key>')).value;
    expect(svg).toMatch(/^<svg [^>]*role="img" aria-label="QR &quot;code&quot; &lt;key&gt;"[^>]*>/);
    expect(svg.endsWith('</svg>')).toBe(true);
    expect(svg).not.toMatch(/style=|<script|<\?xml|on[a-z]+=/i);
    expect(svg.match(/<svg/g)).toHaveLength(1);
  });
});
