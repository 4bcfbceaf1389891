import type { Request, Response } from 'express';
import type { StaffActor } from '../common/actor.js';
import { localPath, resolveLocale } from '../common/web/locale.js';
import { CONSOLE_TEXTS } from './views/console-texts.js';
import type { ConsoleContext } from './views/console-layout.js';

export type ConsoleRequest = Request & { staff?: StaffActor };

export function consoleContext(req: ConsoleRequest, res: Response, orgName: string): ConsoleContext {
  const locale = resolveLocale(req, res);
  return {
    locale,
    t: CONSOLE_TEXTS[locale],
    orgName,
    csrfToken: (res.locals as { csrfToken?: string }).csrfToken ?? '',
    logoUrl: (res.locals as { logoUrl?: string }).logoUrl,
    path: localPath(req),
    role: req.staff?.role ?? null,
  };
}

export function sendPage(res: Response, page: string, status = 200): void {
  res.status(status).type('html').send(page);
}
