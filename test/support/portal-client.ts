/**
 * A browser-like client for the server-rendered pages: keeps cookies, follows nothing by itself,
 * and sends the CSRF value of the last page it read with every form, as a browser form would.
 */
export interface PageResponse {
  status: number;
  text: string;
  body: Buffer;
  location: string | null;
  headers: Headers;
}

export class PortalClient {
  readonly cookies = new Map<string, string>();
  private csrf = '';

  constructor(readonly baseUrl: string) {}

  async get(path: string): Promise<PageResponse> {
    return this.send('GET', path);
  }

  /** Posts a form; `_csrf` comes from the last page read unless the form gives its own. */
  async post(path: string, form: Record<string, string | string[]>): Promise<PageResponse> {
    const body = new URLSearchParams();
    if (!('_csrf' in form)) body.append('_csrf', this.csrf);
    for (const [key, value] of Object.entries(form)) for (const v of Array.isArray(value) ? value : [value]) body.append(key, v);
    return this.send('POST', path, body);
  }

  private async send(method: string, path: string, body?: URLSearchParams): Promise<PageResponse> {
    const headers: Record<string, string> = {};
    if (this.cookies.size) headers.cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    if (body) headers['content-type'] = 'application/x-www-form-urlencoded';
    const res = await fetch(new URL(path, this.baseUrl), { method, headers, body, redirect: 'manual' });
    for (const line of res.headers.getSetCookie()) {
      const [pair, ...attributes] = line.split(';');
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      if (attributes.some((a) => /expires=Thu, 01 Jan 1970/i.test(a)) || value === '') this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    const buffer = Buffer.from(await res.arrayBuffer());
    const text = buffer.toString('utf8');
    const token = /name="_csrf" value="([^"]+)"/.exec(text);
    if (token) this.csrf = token[1];
    return { status: res.status, text, body: buffer, location: res.headers.get('location'), headers: res.headers };
  }
}

/** The path (and token) of the link in a mail's text. */
export function linkPath(text: string): string {
  const match = /https?:\/\/[^\s/]+(\/portal\/(?:aktiver|nulstil)\/[A-Za-z0-9_-]+)/.exec(text);
  if (!match) throw new Error('no portal link in the mail');
  return match[1];
}
