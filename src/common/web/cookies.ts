import type { Request, Response } from 'express';

export const STAFF_SESSION_COOKIE = 'lb_staff';

export function readCookie(req: Request, name: string): string | undefined {
  const header = req.headers.cookie;
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return decodeURIComponent(part.slice(eq + 1).trim());
  }
  return undefined;
}

/** HttpOnly + SameSite=Strict always; Secure whenever the service is reached over https. */
export function setSessionCookie(res: Response, name: string, token: string, secure: boolean): void {
  res.cookie(name, token, { httpOnly: true, sameSite: 'strict', secure, path: '/' });
}

export function clearSessionCookie(res: Response, name: string, secure: boolean): void {
  res.clearCookie(name, { httpOnly: true, sameSite: 'strict', secure, path: '/' });
}
