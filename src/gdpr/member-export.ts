import type { DataRequestView } from '../data-requests/data-requests.service.js';

/** Art. 15: everything stored about one member, as the JSON export and the PDF show it. */
export interface MemberExport {
  exportedAt: string;
  /** 'full', or 'networks' when staff who work in some of the member's networks only made it. */
  scope: 'full' | 'networks';
  member: { id: string; name: string; email: string; phone: string | null; address: string | null; postalCode: string | null; city: string | null; aboutMe: string | null; erasedAt: string | null };
  memberships: { networkId: string; network: string; status: string; joinedAt: string }[];
  consent: { networkId: string; network: string; id: string; kind: string; fields: string[]; consentTextVersion: number | null; channel: string; recordedByType: string; recordedAt: string }[];
  account: { activatedAt: string; passwordChangedAt: string; locale: string; totp: boolean; recipientFingerprint: string } | null;
  keys: { kind: string; recipient: string; fingerprint: string; source: string; createdAt: string }[];
  bundles: { bundleId: string; networkId: string; networkName: string; listTitle: string; editionAt: string; expiresAt: string; state: string; downloadedAt: string | null; files: string[] }[];
  /** The recipients ledger: each edition that listed the member, when, and to how many. */
  listedInEditions: { editionId: string; networkId: string; networkName: string; listTitle: string; at: string; recipientCount: number; state: string }[];
  accessRequests: { id: string; channel: string; name: string; email: string; state: string; createdAt: string; decidedAt: string | null }[];
  dataRequests: DataRequestView[];
}
