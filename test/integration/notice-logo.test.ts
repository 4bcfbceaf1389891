import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NoticesService, type NoticeRequest } from '../../src/notices/notices.service.js';
import { DEFAULT_FAVICON } from '../../src/site/favicon.js';
import { unique } from '../factories/factories.js';
import { startSmtpSink, type SmtpSink } from '../support/smtp-sink.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

const BASE_URL = 'https://liste.example.dk';
/** A real PNG: the one inside the default favicon (an ICO whose single image starts at byte 22). */
const PNG = DEFAULT_FAVICON.subarray(22);

describe('the organisation’s logo in the activation mail', () => {
  let t: TestApp;
  let sink: SmtpSink;
  const dir = mkdtempSync(join(tmpdir(), 'lb-logo-'));

  beforeAll(async () => {
    writeFileSync(join(dir, 'logo.png'), PNG);
    sink = await startSmtpSink();
    t = await startTestApp({ BASE_URL, ORG_NAME: 'Foreningen for Sjældne Diagnoser', SMTP_URL: sink.url, ORG_LOGO_PATH: join(dir, 'logo.png') });
  });

  afterAll(async () => {
    await t?.close();
    await sink?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const send = async (request: NoticeRequest) => {
    await t.dataSource.transaction((tx) => t.app.get(NoticesService).enqueue(tx, request));
    await t.app.get(NoticesService).sendDue();
    return (await sink.waitFor(1, 10_000, (m) => m.envelopeTo.includes(request.to)))[0];
  };

  it('shows the logo in the HTML as an inline image sent inside the mail, and leaves it out of the text', async () => {
    const to = `ny.${unique()}@example.org`;
    const mail = await send({ kind: 'activation', to, locale: 'da', memberId: randomUUID(), link: `${BASE_URL}/portal/aktiver/act_${unique()}` });
    // The HTML refers to the image by Content-ID; mailparser resolves it from the mail's own part.
    expect(mail.raw).toMatch(/src=(3D)?"cid:org-logo@listebud"/);
    expect(mail.html).toContain(`<img src="data:image/png;base64,${PNG.toString('base64')}" alt="Foreningen for Sjældne Diagnoser"`);
    const images = mail.parsed.attachments.filter((a) => a.cid === 'org-logo@listebud');
    expect(images).toHaveLength(1);
    expect(images[0].contentType).toBe('image/png');
    expect(images[0].contentDisposition).toBe('inline');
    expect(Buffer.from(images[0].content).equals(PNG)).toBe(true);
    expect(mail.text).not.toMatch(/cid:|logo/i);
  });

  it('sends other notices without it: nothing in them but the organisation, a generic text and the address', async () => {
    const to = `medlem.${unique()}@example.org`;
    const mail = await send({ kind: 'login_lockout', to, locale: 'da', memberId: randomUUID() });
    expect(mail.html).not.toContain('<img');
    expect(mail.parsed.attachments).toHaveLength(0);
  });
});
