import { Injectable } from '@nestjs/common';
import { forDisplay, type ContactListDocument, type StampedFile, type Watermark } from './contact-list.js';
import { preparePdf, stampPdf, type PreparedPdf } from './pdf/pdf-template.js';
import { prepareXlsx, stampXlsx, type PreparedXlsx } from './xlsx/xlsx-template.js';

export type { PreparedPdf, PreparedXlsx };

/**
 * Renders an edition's contact list: laid out once per edition (the expensive part), then stamped
 * cheaply with each recipient's watermark. Phone numbers are shown as people write them.
 */
@Injectable()
export class ContactListRenderer {
  prepareXlsx(doc: ContactListDocument): Promise<PreparedXlsx> {
    return prepareXlsx(forDisplay(doc));
  }

  preparePdf(doc: ContactListDocument): Promise<PreparedPdf> {
    return preparePdf(forDisplay(doc));
  }

  stampXlsx(prepared: PreparedXlsx, watermark: Watermark): StampedFile {
    return stampXlsx(prepared, watermark);
  }

  stampPdf(prepared: PreparedPdf, watermark: Watermark): Promise<StampedFile> {
    return stampPdf(prepared, watermark);
  }
}
