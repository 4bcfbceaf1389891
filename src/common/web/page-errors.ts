import { assertUnreachable, DomainError, type ErrorKind } from '../domain-error.js';
import type { Locale } from './locale.js';

/** What a page shows for a known error; `login` means: send the person to log in. */
export type PageError = { login: true } | { login: false; status: number; kind: Exclude<ErrorKind, 'unauthenticated'> };

/**
 * The one mapping from a domain error kind to a page status, for the portal and the console alike.
 * Exhaustive: a new kind fails the build here until it has a page. Nothing known becomes a 500.
 */
export function pageErrorFor(kind: ErrorKind): PageError {
  switch (kind) {
    case 'unauthenticated':
      return { login: true };
    case 'invalid':
      return { login: false, status: 400, kind };
    case 'forbidden':
      return { login: false, status: 403, kind };
    case 'not_found':
      return { login: false, status: 404, kind };
    case 'conflict':
      return { login: false, status: 409, kind };
    case 'gone':
      return { login: false, status: 410, kind };
    case 'too_many':
      return { login: false, status: 429, kind };
    default:
      return assertUnreachable(kind);
  }
}

/** A DomainError's page, or undefined for anything else (a framework 404 is mapped by the caller). */
export const pageErrorOf = (error: unknown): PageError | undefined => (error instanceof DomainError ? pageErrorFor(error.kind) : undefined);

type Texts = Record<Exclude<ErrorKind, 'unauthenticated'>, { title: string; message: string }>;

/** The words for each kind's page; generic on purpose (they never say what exists). */
export const PAGE_ERROR_TEXTS: Record<Locale, Texts> = {
  da: {
    invalid: { title: 'Det kunne ikke lade sig gøre', message: 'Noget i forespørgslen var ikke gyldigt. Gå tilbage og prøv igen.' },
    forbidden: { title: 'Ingen adgang', message: 'Du har ikke adgang til denne side.' },
    not_found: { title: 'Siden findes ikke', message: 'Siden findes ikke, eller du har ikke adgang til den.' },
    conflict: { title: 'Det kan ikke lade sig gøre nu', message: 'Det, du bad om, er ikke (længere) muligt. Det kan være udløbet eller trukket tilbage.' },
    gone: { title: 'Ikke længere tilgængelig', message: 'Det, du bad om, findes ikke længere.' },
    too_many: { title: 'For mange forsøg', message: 'Der er kommet for mange anmodninger. Prøv igen senere.' },
  },
  en: {
    invalid: { title: 'That did not work', message: 'Something in the request was not valid. Go back and try again.' },
    forbidden: { title: 'No access', message: 'You do not have access to this page.' },
    not_found: { title: 'Page not found', message: 'The page does not exist, or you do not have access to it.' },
    conflict: { title: 'Not possible now', message: 'What you asked for is not (or no longer) possible. It may have expired or been withdrawn.' },
    gone: { title: 'No longer available', message: 'What you asked for no longer exists.' },
    too_many: { title: 'Too many attempts', message: 'Too many requests have come in. Try again later.' },
  },
};
