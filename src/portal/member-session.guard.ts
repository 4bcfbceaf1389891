import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { readCookie } from '../common/web/cookies.js';
import { memberSessionRequired, secondFactorRequired } from '../member-accounts/member-accounts.errors.js';
import { MemberAuthService } from '../member-accounts/member-auth.service.js';
import { MEMBER_COOKIE, type PortalRequest } from './portal-context.js';

/** Member pages need a live member session; the portal's filter turns a refusal into the login page. */
@Injectable()
export class MemberSessionGuard implements CanActivate {
  constructor(private readonly auth: MemberAuthService) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const req = context.switchToHttp().getRequest<PortalRequest>();
    const cookie = readCookie(req, MEMBER_COOKIE);
    const session = cookie ? await this.auth.resolve(cookie) : undefined;
    if (!session) throw memberSessionRequired();
    if (session.secondFactorPending) throw secondFactorRequired();
    req.memberSession = session;
    return true;
  }
}
