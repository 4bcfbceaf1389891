/**
 * The page a member returns to after logging in. Only a local portal path is ever used: the value
 * travels through a query and a form field, so anything else (`//host`, `https://…`, `/\host`,
 * dot segments, encoded characters, a path outside /portal) would make the login an open redirect.
 * Anything that does not pass is dropped, and the member lands on /portal.
 */
const PORTAL_PAGE = /^\/portal(?:\/[a-z0-9-]{1,64}){0,4}$/;
/** Pages of the logged-out part, or actions with no page of their own: returning there makes no sense. */
const NO_RETURN = /^\/portal\/(?:login|logout|kode|adgang|nulstil|aktiver|velkommen)(?:\/|$)/;

export function safeReturnPath(raw: unknown): string | undefined {
  if (typeof raw !== 'string' || raw.length > 300) return undefined;
  const path = raw.length > 1 && raw.endsWith('/') ? raw.slice(0, -1) : raw;
  if (!PORTAL_PAGE.test(path) || NO_RETURN.test(path) || path === '/portal') return undefined;
  // A download link would answer with a file instead of a page: return to the messages instead.
  if (path.startsWith('/portal/beskeder/')) return undefined;
  return path;
}

/** The page that holds the form a POST came from (two-step actions post to sub-paths of their page). */
export function formPageOf(postPath: string): string | undefined {
  if (/^\/portal\/to-trin\/(?:start|bekraeft|sluk)$/.test(postPath)) return '/portal/to-trin';
  return safeReturnPath(postPath);
}

/** The login page's address that brings the member back to `next` (and says when a change was lost). */
export function loginPath(o: { next?: string; expired?: boolean }): string {
  const query = [o.expired ? 'expired=1' : '', o.next ? `next=${encodeURIComponent(o.next)}` : ''].filter(Boolean).join('&');
  return query ? `/portal/login?${query}` : '/portal/login';
}
