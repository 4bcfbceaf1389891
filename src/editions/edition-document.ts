import { Injectable } from '@nestjs/common';
import type { ContactListEntity } from '../lists/contact-list.entity.js';
import { ListsService } from '../lists/lists.service.js';
import type { StoredSnapshot } from './edition-snapshot.js';
import { editionNotFound } from './editions.errors.js';
import { EditionsRepository } from './editions.repository.js';

/** What the renderer needs to lay out an edition (its rows hold consented values only). */
export interface EditionDocument {
  editionId: string;
  networkId: string;
  title: string;
  publishedAt: Date;
  timeZone: string;
  columns: StoredSnapshot['columns'];
  rows: StoredSnapshot['rows'];
  recipients: StoredSnapshot['recipients'];
  formats: ContactListEntity['formats'];
}

/** The edition as the bundle builder lays it out: its rows and its list's title, time zone and formats. */
@Injectable()
export class EditionDocuments {
  constructor(
    private readonly repository: EditionsRepository,
    private readonly lists: ListsService,
  ) {}

  async document(editionId: string): Promise<EditionDocument> {
    const edition = await this.repository.findById(editionId);
    if (!edition) throw editionNotFound();
    const list = await this.lists.reachable({ type: 'system' }, edition.listId);
    return {
      editionId,
      networkId: edition.networkId,
      title: list.title,
      publishedAt: edition.approvedAt ?? edition.createdAt,
      timeZone: list.timeZone,
      columns: edition.snapshot.columns,
      rows: edition.snapshot.rows,
      recipients: edition.snapshot.recipients,
      formats: list.formats,
    };
  }
}
