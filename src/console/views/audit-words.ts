import type { Locale } from './console-texts.js';

type Words = { da: string; en: string };

/** Every audit action in words; an action missing here is shown as its code. */
const ACTIONS: Record<string, Words> = {
  'access_request.approved': { da: 'Anmodning om adgang godkendt', en: 'Access request approved' },
  'access_request.deleted': { da: 'Anmodning om adgang slettet (opbevaring)', en: 'Access request deleted (retention)' },
  'access_request.erased': { da: 'Anmodning om adgang anonymiseret', en: 'Access request anonymised' },
  'access_request.received': { da: 'Anmodning om adgang modtaget', en: 'Access request received' },
  'access_request.refreshed': { da: 'Anmodning om adgang fornyet', en: 'Access request renewed' },
  'access_request.rejected': { da: 'Anmodning om adgang afvist', en: 'Access request rejected' },
  'api_token.created': { da: 'API-nøgle oprettet', en: 'API token created' },
  'audit.checkpoint_created': { da: 'Revisionslog signeret (checkpoint)', en: 'Audit log signed (checkpoint)' },
  'audit.exported': { da: 'Revisionslog hentet', en: 'Audit log exported' },
  'audit.leak_traced': { da: 'Læk sporet', en: 'Leak traced' },
  'bundle.built': { da: 'Pakke bygget', en: 'Bundle built' },
  'bundle.downloaded': { da: 'Pakke hentet', en: 'Bundle downloaded' },
  'bundle.expired': { da: 'Pakke udløbet', en: 'Bundle expired' },
  'bundle.failed': { da: 'Pakke fejlede', en: 'Bundle failed' },
  'bundle.reissued': { da: 'Pakke udstedt igen', en: 'Bundle reissued' },
  'bundle.revoked': { da: 'Pakke trukket tilbage', en: 'Bundle revoked' },
  'bundle.supersede': { da: 'Pakke erstattet af nyere udgave', en: 'Bundle superseded' },
  'consent.granted': { da: 'Samtykke givet', en: 'Consent given' },
  'consent.withdrawn': { da: 'Samtykke trukket tilbage', en: 'Consent withdrawn' },
  'consent_text.created': { da: 'Samtykketekst oprettet', en: 'Consent text created' },
  'data_request.closed': { da: 'Anmodning om sletning afsluttet', en: 'Erasure request closed' },
  'data_request.created': { da: 'Anmodning om sletning modtaget', en: 'Erasure request received' },
  'edition.approved': { da: 'Udgave godkendt', en: 'Edition approved' },
  'edition.contact_values_purged': {
    da: 'Udgavens kontaktoplysninger slettet (opbevaring)',
    en: "Edition's contact details purged (retention)",
  },
  'edition.correction_sent': { da: 'Rettet udgave sendt', en: 'Corrected edition sent' },
  'edition.created': { da: 'Udgave oprettet', en: 'Edition created' },
  'edition.member_row_erased': { da: 'Slettet medlem fjernet fra udgave', en: 'Erased member removed from edition' },
  'edition.published': { da: 'Udgave udsendt', en: 'Edition published' },
  'edition.revoked': { da: 'Udgave trukket tilbage', en: 'Edition revoked' },
  'edition.slot_skipped': { da: 'Planlagt udsendelse sprunget over (intet ændret)', en: 'Scheduled edition skipped (nothing changed)' },
  'list.created': { da: 'Kontaktliste oprettet', en: 'Contact list created' },
  'list.updated': { da: 'Kontaktliste rettet', en: 'Contact list updated' },
  'member.contact_erased': { da: 'Medlemmets kontaktoplysninger slettet', en: "Member's contact details erased" },
  'member.created': { da: 'Medlem oprettet', en: 'Member created' },
  'member.data_exported': { da: 'Medlemmet hentede sine data', en: 'Member exported their data' },
  'member.erased': { da: 'Medlem slettet', en: 'Member erased' },
  'member.erasure_repeated': { da: 'Sletning gentaget', en: 'Erasure repeated' },
  'member.imported': { da: 'Medlem importeret', en: 'Member imported' },
  'member.logged_in': { da: 'Medlem logget ind', en: 'Member logged in' },
  'member.logged_out': { da: 'Medlem logget ud', en: 'Member logged out' },
  'member.login_failed': { da: 'Mislykket login (medlem)', en: 'Failed login (member)' },
  'member.objected': { da: 'Medlem gjorde indsigelse', en: 'Member objected' },
  'member.same_address_pending_link': { da: 'Samme e-mail som et andet medlem (afventer)', en: 'Same e-mail as another member (pending)' },
  'member.second_factor_passed': { da: 'Medlem bestod to-trins-login', en: 'Member passed two-step login' },
  'member.updated': { da: 'Medlem rettet', en: 'Member updated' },
  'member_account.activated': { da: 'Konto aktiveret', en: 'Account activated' },
  'member_account.activation_sent': { da: 'Aktiveringsmail sendt', en: 'Activation mail sent' },
  'member_account.locale_changed': { da: 'Sprog skiftet', en: 'Language changed' },
  'member_account.locked': { da: 'Konto låst (for mange forsøg)', en: 'Account locked (too many attempts)' },
  'member_account.password_changed': { da: 'Adgangskode skiftet', en: 'Password changed' },
  'member_account.password_reset': { da: 'Adgangskode nulstillet', en: 'Password reset' },
  'member_account.reset_requested': { da: 'Ny adgangskode bestilt', en: 'Password reset requested' },
  'member_account.shredded': { da: 'Konto destrueret', en: 'Account shredded' },
  'member_account.totp_disabled': { da: 'To-trins-login slået fra', en: 'Two-step login turned off' },
  'member_account.totp_enabled': { da: 'To-trins-login slået til', en: 'Two-step login turned on' },
  'member_account.totp_setup_started': { da: 'To-trins-login påbegyndt', en: 'Two-step login set-up started' },
  'membership.status_changed': { da: 'Medlemskab ændret', en: 'Membership changed' },
  'network.created': { da: 'Netværk oprettet', en: 'Network created' },
  'notice.addresses_erased': { da: 'Beskeders adresser slettet', en: "Notices' addresses erased" },
  'notice.failed': { da: 'Besked kunne ikke sendes', en: 'Notice failed' },
  'notice.sent': { da: 'Besked sendt', en: 'Notice sent' },
  'recipient.added': { da: 'Nøgle tilføjet', en: 'Key added' },
  'recipient.deleted': { da: 'Nøgle slettet', en: 'Key deleted' },
  'recipient.revoked': { da: 'Nøgle tilbagekaldt', en: 'Key revoked' },
  'retention.applied': { da: 'Opbevaringsregler anvendt', en: 'Retention applied' },
  'staff.created': { da: 'Medarbejder oprettet', en: 'Staff member created' },
  'staff.logged_in': { da: 'Medarbejder logget ind', en: 'Staff member logged in' },
  'staff.logged_out': { da: 'Medarbejder logget ud', en: 'Staff member logged out' },
  'staff.networks_changed': { da: 'Medarbejderens netværk ændret', en: "Staff member's networks changed" },
  'staff.totp_enabled': { da: 'To-trins-login slået til (medarbejder)', en: 'Two-step login turned on (staff)' },
  'staff.totp_setup_started': { da: 'To-trins-login påbegyndt (medarbejder)', en: 'Two-step login set-up started (staff)' },
};

/** The detail's keys in words; other keys are shown as they are. */
const KEYS: Record<string, Words> = {
  fields: { da: 'felter', en: 'fields' },
  channel: { da: 'kanal', en: 'channel' },
  reason: { da: 'årsag', en: 'reason' },
  kind: { da: 'art', en: 'kind' },
  memberId: { da: 'medlem', en: 'member' },
  editionId: { da: 'udgave', en: 'edition' },
  listId: { da: 'liste', en: 'list' },
  bundleId: { da: 'pakke', en: 'bundle' },
  attempts: { da: 'forsøg', en: 'attempts' },
  role: { da: 'rolle', en: 'role' },
  source: { da: 'kilde', en: 'source' },
  format: { da: 'format', en: 'format' },
  created: { da: 'oprettet', en: 'created' },
  notice: { da: 'besked', en: 'notice' },
  count: { da: 'antal', en: 'count' },
  status: { da: 'status', en: 'status' },
  state: { da: 'tilstand', en: 'state' },
  slot: { da: 'tidspunkt', en: 'slot' },
  cutoff: { da: 'grænse', en: 'cut-off' },
  version: { da: 'version', en: 'version' },
  consentTextVersion: { da: 'samtykketekst', en: 'consent text' },
  networkIds: { da: 'netværk', en: 'networks' },
  secondFactor: { da: 'to-trins', en: 'two-step' },
};

const FIELD_WORDS: Record<string, Words> = {
  name: { da: 'navn', en: 'name' },
  email: { da: 'e-mail', en: 'e-mail' },
  phone: { da: 'telefon', en: 'phone' },
  address: { da: 'adresse', en: 'address' },
  postal_code: { da: 'postnummer', en: 'postal code' },
  postalCode: { da: 'postnummer', en: 'postal code' },
  city: { da: 'by', en: 'city' },
  about_me: { da: 'om mig', en: 'about me' },
  aboutMe: { da: 'om mig', en: 'about me' },
};

export const actionInWords = (action: string, locale: Locale): string => ACTIONS[action]?.[locale] ?? action;

/** The actions for the filter's choice list, in words, sorted by their words. */
export const actionChoices = (locale: Locale) =>
  Object.entries(ACTIONS)
    .map(([code, words]) => ({ code, label: words[locale] }))
    .sort((a, b) => a.label.localeCompare(b.label, locale));

function valueInWords(key: string, value: unknown, locale: Locale): string {
  if (value === null || value === undefined) return '–';
  if (typeof value === 'boolean') return value ? (locale === 'da' ? 'ja' : 'yes') : locale === 'da' ? 'nej' : 'no';
  if (Array.isArray(value)) {
    if (key === 'fields') return value.map((f) => FIELD_WORDS[String(f)]?.[locale] ?? String(f)).join(', ');
    // Long id lists (e.g. outbox ids) say how many, not which.
    if (value.length > 3) return `${value.length}`;
    return value.map((v) => valueInWords('', v, locale)).join(', ');
  }
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

/** The event's detail as "key: value; …" with Danish (or English) words where known. */
export function detailInWords(detail: unknown, locale: Locale): string {
  if (!detail || typeof detail !== 'object' || Array.isArray(detail)) return '';
  return Object.entries(detail as Record<string, unknown>)
    .map(([k, v]) => `${KEYS[k]?.[locale] ?? k}: ${valueInWords(k, v, locale)}`)
    .join('; ');
}

const ACTORS: Record<string, Words> = {
  staff: { da: 'Medarbejder', en: 'Staff' },
  member: { da: 'Medlem', en: 'Member' },
  system: { da: 'Systemet', en: 'System' },
  cli: { da: 'Kommandolinjen', en: 'Command line' },
  api_token: { da: 'API-nøgle', en: 'API token' },
};

export const actorInWords = (type: string, locale: Locale): string => ACTORS[type]?.[locale] ?? type;
