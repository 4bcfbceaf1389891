import { describe, expect, it } from '@jest/globals';
import { columnWidths, layoutPdf } from './pdf-layout.js';

describe('PDF column widths', () => {
  it('gives every column room for a word, however long one column is', () => {
    const widths = columnWidths([8, 20, 12, 10, 6, 9, 1900], 770);
    expect(Math.min(...widths)).toBeGreaterThanOrEqual(44);
    expect(widths.reduce((a, b) => a + b, 0)).toBeCloseTo(770, 6);
    expect(widths[6]).toBeGreaterThan(widths[1]);
  });

  it('keeps plain proportions when no column is squeezed', () => {
    expect(columnWidths([1, 1, 2], 400)).toEqual([100, 100, 200]);
  });
});

describe('PDF layout', () => {
  it('lays out members with the longest "about me" the import allows, on all seven columns', async () => {
    const about = 'Jeg deler gerne erfaringer om hverdagen, behandling og familieliv med andre i netværket. '.repeat(25).slice(0, 2000);
    const rows = Array.from({ length: 5 }, (_, i) => ({ name: `Person ${i}`, email: `p${i}@example.org`, phone: '+4520123456', address: 'Vej 1', postal_code: '5000', city: 'Odense C', about_me: about }));
    const layout = await layoutPdf({
      recipientNames: ['Modtager'],
      title: 'Liste',
      editionId: 'e',
      publishedAt: new Date('2026-11-24T08:00:00Z'),
      timeZone: 'Europe/Copenhagen',
      columns: ['name', 'email', 'phone', 'address', 'postal_code', 'city', 'about_me'],
      rows,
    });
    expect(layout.bytes.subarray(0, 5).toString()).toBe('%PDF-');
  }, 20_000);
});
