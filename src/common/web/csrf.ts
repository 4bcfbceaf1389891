import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import { readCookie } from './cookies.js';

export const CSRF_COOKIE = 'lb_csrf';
const COOKIE_VALUE = /^[A-Za-z0-9_-]{43}$/;

const sign = (secret: string, value: string) => createHmac('sha256', secret).update(`csrf:${value}`).digest('base64url');

const isMultipart = (req: Request) => /^multipart\/form-data/i.test(req.headers['content-type'] ?? '');

/** Whether the form's `_csrf` matches the cookie (for bodies parsed after the middleware ran). */
export function csrfValid(secret: string, req: Request): boolean {
  const value = readCookie(req, CSRF_COOKIE);
  if (value === undefined || !COOKIE_VALUE.test(value)) return false;
  const given = (req.body as Record<string, unknown> | undefined)?._csrf;
  const expected = Buffer.from(sign(secret, value));
  return typeof given === 'string' && given.length === expected.length && timingSafeEqual(Buffer.from(given), expected);
}

/**
 * Signed double-submit: a random value in an HttpOnly, SameSite=Strict cookie, and its HMAC
 * (keyed with the session secret) in every form. A POST whose form value does not match is refused
 * before any handler runs. Works the same logged in or out, so login and activation are covered.
 * A file upload (multipart) is parsed later, by its handler, which must call `csrfValid` itself.
 */
export function csrfProtection(secret: string, secure: boolean, refuse: (req: Request, res: Response) => void) {
  return (req: Request, res: Response, next: NextFunction): void => {
    let value = readCookie(req, CSRF_COOKIE);
    const known = value !== undefined && COOKIE_VALUE.test(value);
    if (req.method === 'POST' && !isMultipart(req) && !csrfValid(secret, req)) {
      refuse(req, res);
      return;
    }
    if (!known) {
      value = randomBytes(32).toString('base64url');
      res.cookie(CSRF_COOKIE, value, { httpOnly: true, sameSite: 'strict', secure, path: '/' });
    }
    (res.locals as { csrfToken?: string }).csrfToken = sign(secret, value!);
    next();
  };
}
