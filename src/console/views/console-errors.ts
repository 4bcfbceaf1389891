import { DomainError, type FieldProblem } from '../../common/domain-error.js';
import type { FieldError } from '../../common/web/forms.js';
import type { Locale } from './console-texts.js';

type Words = { da: string; en: string };

/** Each form field's label, by the name a service uses for it (API names and import names alike). */
const LABELS: Record<string, Words> = {
  name: { da: 'Navn', en: 'Name' },
  email: { da: 'E-mail', en: 'E-mail' },
  phone: { da: 'Telefon', en: 'Phone' },
  address: { da: 'Adresse', en: 'Address' },
  postal_code: { da: 'Postnummer', en: 'Postal code' },
  postalCode: { da: 'Postnummer', en: 'Postal code' },
  city: { da: 'By', en: 'City' },
  about_me: { da: 'Om mig', en: 'About me' },
  aboutMe: { da: 'Om mig', en: 'About me' },
  password: { da: 'Adgangskode', en: 'Password' },
  role: { da: 'Rolle', en: 'Role' },
  channel: { da: 'Kanal', en: 'Channel' },
  note: { da: 'Note', en: 'Note' },
  fields: { da: 'Felter', en: 'Fields' },
  file: { da: 'Fil', en: 'File' },
  networkId: { da: 'Netværk', en: 'Network' },
  networkIds: { da: 'Netværk', en: 'Networks' },
  consentTextVersion: { da: 'Samtykketekst', en: 'Consent text' },
  title: { da: 'Titel', en: 'Title' },
  slug: { da: 'Kort navn', en: 'Short name' },
  schedule: { da: 'Plan', en: 'Schedule' },
  timeZone: { da: 'Tidszone', en: 'Time zone' },
  columns: { da: 'Kolonner', en: 'Columns' },
  from: { da: 'Fra', en: 'From' },
  to: { da: 'Til', en: 'To' },
  action: { da: 'Handling', en: 'Action' },
  memberId: { da: 'Medlems-id', en: 'Member id' },
  hour: { da: 'Klokken', en: 'Hour' },
  day: { da: 'Dag i måneden', en: 'Day of the month' },
  weekday: { da: 'Ugedag', en: 'Weekday' },
  cron: { da: 'Cron-udtryk', en: 'Cron expression' },
};

/**
 * What each error code says on a page, with `{label}` for the field's label. Never the service's own
 * (English) message: a code missing here gets the generic sentence naming the field.
 */
const MESSAGES: Record<string, Words> = {
  REQUIRED: { da: '{label} skal udfyldes', en: '{label} is required' },
  INVALID_EMAIL: { da: '{label} er ikke en gyldig e-mailadresse', en: '{label} is not a valid e-mail address' },
  INVALID_PHONE: { da: '{label} er ikke et gyldigt telefonnummer', en: '{label} is not a valid phone number' },
  INVALID_NAME: { da: '{label} skal udfyldes og må højst have 200 tegn', en: '{label} must be filled in, with at most 200 characters' },
  INVALID_TYPE: { da: '{label} skal være tekst', en: '{label} must be text' },
  TOO_LONG: { da: '{label} er for lang', en: '{label} is too long' },
  ENCODING: {
    da: '{label} indeholder tegn, der ikke er gyldig tekst. Gem filen som "CSV UTF-8"',
    en: '{label} holds bytes that are not valid text. Save the file as "CSV UTF-8"',
  },
  GARBLED_TEXT: {
    da: '{label} ser forvansket ud (fx "Ã¸" for "ø"). Gem den oprindelige fil som "CSV UTF-8"',
    en: '{label} looks garbled (such as "Ã¸" for "ø"). Save the original file as "CSV UTF-8"',
  },
  CONTROL_CHARACTER: {
    da: '{label} indeholder et kontroltegn eller et linjeskift',
    en: '{label} contains a control character or a line break',
  },
  BIDI_CONTROL: {
    da: '{label} indeholder et usynligt tegn, der vender tekstretningen',
    en: '{label} contains an invisible text-direction control',
  },
  CPR_NUMBER: {
    da: '{label} ligner et CPR-nummer. CPR-numre må ikke gemmes',
    en: '{label} looks like a CPR number. CPR numbers must not be stored',
  },
  FORMULA: {
    da: '{label} begynder som en regnearksformel (=, @, + eller -)',
    en: '{label} starts like a spreadsheet formula (=, @, + or -)',
  },
  DUPLICATE_EMAIL: {
    da: '{label} findes allerede (i en anden række eller hos et medlem)',
    en: '{label} already exists (in another row or for a member)',
  },
  MEMBER_EMAIL_TAKEN: {
    da: 'Der findes allerede et medlem med denne e-mailadresse',
    en: 'A member with this e-mail address already exists',
  },
  STAFF_EMAIL_TAKEN: {
    da: 'Der findes allerede en medarbejder med denne e-mailadresse',
    en: 'A staff member with this e-mail address already exists',
  },
  MISSING_COLUMN: { da: 'Filen mangler en kolonne til {label}', en: 'The file has no column for {label}' },
  UNKNOWN_COLUMN: {
    da: 'En kolonne er ikke et medlemsfelt (brug Navn, E-mail, Telefon, Adresse, Postnummer, By, Om mig)',
    en: 'A column is not a member field (use Navn, E-mail, Telefon, Adresse, Postnummer, By, Om mig)',
  },
  DUPLICATE_COLUMN: { da: 'To kolonner har samme overskrift', en: 'Two columns have the same heading' },
  VALUE_WITHOUT_COLUMN: { da: 'Rækken har en værdi i en kolonne uden overskrift', en: 'The row has a value in a column without a heading' },
  EMPTY_FILE: { da: 'Filen er tom', en: 'The file is empty' },
  NO_MEMBER_ROWS: { da: 'Filen har overskrifter, men ingen medlemmer', en: 'The file has headings but no members' },
  UNREADABLE_FILE: { da: 'Filen kan ikke læses. Gem den som .xlsx eller CSV', en: 'The file cannot be read. Save it as .xlsx or CSV' },
  FILE_TOO_LARGE: { da: 'Filen er for stor', en: 'The file is too large' },
  FILE_MISSING: { da: 'Vælg en fil', en: 'Choose a file' },
  TOO_MANY_ROWS: { da: 'Filen har for mange rækker. Del den op', en: 'The file has too many rows. Split it up' },
  LINE_TOO_LONG: { da: 'Rækken er for lang', en: 'The row is too long' },
  HIDDEN_ROW: {
    da: 'Rækken er skjult i regnearket. Vis den eller slet den',
    en: 'The row is hidden in the workbook. Show it or delete it',
  },
  HIDDEN_COLUMN: {
    da: 'En kolonne er skjult i regnearket. Vis den eller slet den',
    en: 'A column is hidden in the workbook. Show it or delete it',
  },
  ZIP_BOMB: { da: 'Regnearket er unormalt stort, når det pakkes ud', en: 'The workbook is abnormally large when unpacked' },
  EXTERNAL_LINKS: {
    da: 'Regnearket henviser til andre filer. Fjern henvisningerne',
    en: 'The workbook links to other files. Remove the links',
  },
  PASSWORD_REQUIRED: { da: 'Skriv en adgangskode', en: 'Enter a password' },
  PASSWORD_TOO_SHORT: { da: 'Adgangskoden skal have mindst 12 tegn', en: 'The password must have at least 12 characters' },
  PASSWORD_TOO_LONG: { da: 'Adgangskoden må højst have 256 tegn', en: 'The password may have at most 256 characters' },
  PASSWORD_TOO_COMMON: {
    da: 'Adgangskoden er for almindelig. Vælg en længere sætning',
    en: 'The password is too common. Choose a longer phrase',
  },
  INVALID_ROLE: { da: 'Vælg en rolle', en: 'Choose a role' },
  INVALID_CHANNEL: { da: 'Vælg en kanal', en: 'Choose a channel' },
  INVALID_NOTE: { da: 'Noten må højst have 500 tegn', en: 'The note may have at most 500 characters' },
  NETWORK_NOT_FOUND: { da: 'Vælg et netværk, der findes', en: 'Choose a network that exists' },
  NETWORKS_NOT_ALLOWED: { da: 'Kun koordinatorer har netværk', en: 'Only coordinators have networks' },
  CONSENT_TEXT_NOT_FOUND: { da: 'Netværket har ikke den samtykketekst', en: 'The network has no such consent text' },
  INVALID_TIME_ZONE: {
    da: '{label} er ikke en kendt tidszone (fx Europe/Copenhagen)',
    en: '{label} is not a known time zone (such as Europe/Copenhagen)',
  },
  INVALID_SCHEDULE: {
    da: 'Cron-udtrykket er ikke gyldigt (fx "0 7 1 * *" for den 1. i hver måned kl. 7)',
    en: 'The cron expression is not valid (e.g. "0 7 1 * *" for day 1 of every month at 7:00)',
  },
  LIST_SLUG_TAKEN: { da: 'Netværket har allerede en liste med det korte navn', en: 'The network already has a list with this short name' },
  INVALID_SLUG: {
    da: '{label} må kun have små bogstaver, tal og enkelte bindestreger (højst 60 tegn)',
    en: '{label} may only hold lower-case letters, digits and single hyphens (at most 60)',
  },
  INVALID_COLUMNS: { da: 'Vælg mindst én kolonne', en: 'Choose at least one column' },
  INVALID_HOUR: { da: 'Skriv en time fra 0 til 23', en: 'Enter an hour from 0 to 23' },
  INVALID_DAY: { da: 'Skriv en dag fra 1 til 28', en: 'Enter a day from 1 to 28' },
  INVALID_DATE: { da: '{label} skal være en dato', en: '{label} must be a date' },
  INVALID_UUID: { da: '{label} skal være et id (fx 3f2b…-…)', en: '{label} must be an id' },
};

const GENERIC: Words = { da: '{label} er ikke udfyldt rigtigt', en: '{label} is not filled in correctly' };
const GENERIC_FORM: Words = { da: 'Noget i formularen er ikke udfyldt rigtigt', en: 'Something in the form is not filled in correctly' };

export const fieldLabel = (field: string | undefined, locale: Locale): string => (field ? (LABELS[field]?.[locale] ?? field) : '');

/** One problem in the page's language: from its code, with the field's label; never the service's message. */
export function problemText(p: Pick<FieldProblem, 'code' | 'field'>, locale: Locale): string {
  const words = MESSAGES[p.code] ?? (p.field ? GENERIC : GENERIC_FORM);
  return words[locale].replace('{label}', fieldLabel(p.field, locale) || GENERIC_FORM[locale]);
}

/** A service's invalid (or conflict) error as form errors; `fallbackField` is where a field-less problem points. */
export function consoleFormErrors(error: DomainError, locale: Locale, fallbackField: string): FieldError[] {
  return problemsOf(error).map((p) => ({ field: p.field ?? fallbackField, message: problemText(p, locale) }));
}

/** The import's rows: row number, the field's label and the problem in words. */
export function importProblems(error: DomainError, locale: Locale): { row?: number; field: string; message: string }[] {
  return problemsOf(error).map((p) => ({ row: p.row, field: fieldLabel(p.field, locale), message: problemText(p, locale) }));
}

function problemsOf(error: DomainError): FieldProblem[] {
  return error.problems.length ? error.problems : [{ code: error.code, message: error.message, field: error.field }];
}
