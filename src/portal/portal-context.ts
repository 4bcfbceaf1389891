import type { Request, Response } from 'express';
import { localPath, resolveLocale } from '../common/web/locale.js';
import type { MemberSession } from '../member-accounts/member-auth.service.js';
import type { PageContext } from './views/layout.js';
import { TEXTS } from './views/portal-texts.js';

export const MEMBER_COOKIE = 'lb_member';

export type PortalRequest = Request & { memberSession?: MemberSession };

export function pageContext(req: PortalRequest, res: Response, orgName: string): PageContext {
  const session = req.memberSession;
  const locale = resolveLocale(req, res, session?.locale);
  return {
    locale,
    t: TEXTS[locale],
    orgName,
    csrfToken: (res.locals as { csrfToken?: string }).csrfToken ?? '',
    logoUrl: (res.locals as { logoUrl?: string }).logoUrl,
    path: localPath(req),
    loggedIn: !!session && !session.secondFactorPending,
  };
}

export function sendPage(res: Response, page: string, status = 200): void {
  res.status(status).type('html').send(page);
}
