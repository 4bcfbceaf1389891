import { Injectable } from '@nestjs/common';
import { createHash } from 'node:crypto';
import type { BundleEntity, BundleFileInfo } from '../bundles/bundle.entity.js';
import { AgeEncryptor } from '../bundles/crypto/age-encryptor.js';
import { buildBundleZip, type BundleFile } from '../bundles/packaging/bundle-zip.js';
import type { EditionDocument } from '../editions/edition-document.js';
import type { StampedFile } from '../rendering/contact-list.js';
import { ContactListRenderer } from '../rendering/contact-list.renderer.js';
import type { PreparedPdf, PreparedXlsx } from '../rendering/contact-list.renderer.js';

export const XLSX_NAME = 'contact-list.xlsx';
export const PDF_NAME = 'contact-list.pdf';
export const MANIFEST_NAME = 'manifest.json';

/** One recipient's bundle, built in memory and not yet stored (BundleDelivery stores it). */
export interface BuiltBundle {
  /** The age file as chunks, in order. */
  ciphertext: Buffer[];
  bytes: number;
  sha256: string;
  recipients: string[];
  files: BundleFileInfo[];
}

/** An edition laid out once; each recipient's copy is only stamped with their watermark. */
export interface PreparedEdition {
  document: EditionDocument;
  xlsx?: PreparedXlsx;
  pdf?: PreparedPdf;
}

/**
 * Builds one recipient's bundle in memory: watermarked files, manifest, ZIP, age encryption. No
 * plaintext is written anywhere; only the ciphertext leaves this class.
 */
@Injectable()
export class BundleBuilder {
  constructor(
    private readonly renderer: ContactListRenderer,
    private readonly encryptor: AgeEncryptor,
  ) {}

  async prepare(document: EditionDocument, recipientNames: string[]): Promise<PreparedEdition> {
    const doc = {
      recipientNames,
      title: document.title,
      editionId: document.editionId,
      publishedAt: document.publishedAt,
      timeZone: document.timeZone,
      columns: document.columns,
      rows: document.rows.map((r) => r.values),
    };
    return {
      document,
      xlsx: document.formats.includes('xlsx') ? await this.renderer.prepareXlsx(doc) : undefined,
      pdf: document.formats.includes('pdf') ? await this.renderer.preparePdf(doc) : undefined,
    };
  }

  async build(prepared: PreparedEdition, bundle: BundleEntity, recipientName: string, recipients: string[], createdAt: Date): Promise<BuiltBundle> {
    const watermark = { recipientName, bundleId: bundle.id, issuedAt: createdAt };
    const stamped: { name: string; file: StampedFile }[] = [];
    if (prepared.xlsx) stamped.push({ name: XLSX_NAME, file: this.renderer.stampXlsx(prepared.xlsx, watermark) });
    if (prepared.pdf) stamped.push({ name: PDF_NAME, file: await this.renderer.stampPdf(prepared.pdf, watermark) });
    const info: BundleFileInfo[] = stamped.map(({ name, file }) => ({ name, sha256: file.sha256, bytes: file.bytes }));
    const files: BundleFile[] = stamped.map(({ name, file }) => ({ name, chunks: file.chunks, crc32: file.crc32 }));
    const manifest = {
      editionId: bundle.editionId,
      bundleId: bundle.id,
      recipientId: bundle.memberId,
      watermarkId: bundle.id,
      createdAt: createdAt.toISOString(),
      expiresAt: bundle.expiresAt.toISOString(),
      files: info.map(({ name, sha256: hash, bytes }) => ({ name, sha256: hash, bytes })),
    };
    files.push({ name: MANIFEST_NAME, data: Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`) });
    const zip = buildBundleZip(files, createdAt);
    const ciphertext = await this.encryptor.encrypt(zip, recipients);
    return { ciphertext: [ciphertext], bytes: ciphertext.length, sha256: createHash('sha256').update(ciphertext).digest('hex'), recipients, files: info };
  }
}
