import { Injectable } from '@nestjs/common';
import { EditionsRepository } from './editions.repository.js';

/**
 * "Who received my data" (art. 15) and the records of processing: which editions listed a member,
 * when, to how many recipients, and which fields each edition's rows showed.
 */
@Injectable()
export class RecipientsLedger {
  constructor(private readonly repository: EditionsRepository) {}

  /** Each edition that listed the member, when, and to how many. */
  async listingMember(memberId: string) {
    return (await this.repository.listingMember(memberId)).map((r) => ({ ...r, at: new Date(r.at).toISOString() }));
  }

  /** Which fields each edition's rows showed (for the records of processing). */
  fieldsShared(editionIds: string[]): Promise<Map<string, { networkId: string; fields: string[] }>> {
    return this.repository.fieldsShared(editionIds);
  }
}
