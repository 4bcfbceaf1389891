import type { NextFunction, Request, Response } from 'express';

const FIELD_NAME = /^[A-Za-z0-9_.[\]-]{1,64}$/;

/** The first field (dotted path) whose text holds a NUL character, in the query or a parsed body. */
export function fieldWithNul(value: unknown, parent = '', depth = 0): string | undefined {
  if (typeof value === 'string') return value.includes('\u0000') ? parent || 'body' : undefined;
  if (depth > 8 || typeof value !== 'object' || value === null || Buffer.isBuffer(value)) return undefined;
  for (const [key, inner] of Object.entries(value)) {
    const field = parent ? `${parent}.${key}` : key;
    if (key.includes('\u0000')) return parent || 'body';
    const found = fieldWithNul(inner, field, depth + 1);
    if (found !== undefined) return found;
  }
  return undefined;
}

/**
 * PostgreSQL cannot store a NUL character in text, and its driver's error quotes the value. No input
 * needs one, so any string with NUL (query, JSON body, form) is refused with 400 naming the field,
 * before a handler or the database sees it. `refuse` answers in the surface's form (JSON or a page).
 */
export function refuseNul(refuse: (req: Request, res: Response, field: string) => void) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const found = fieldWithNul(req.query) ?? fieldWithNul(req.body);
    if (found === undefined) return next();
    refuse(req, res, FIELD_NAME.test(found) ? found : 'input');
  };
}
