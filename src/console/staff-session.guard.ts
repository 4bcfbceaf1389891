import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { AuthService } from '../auth/auth.service.js';
import { DomainError } from '../common/domain-error.js';
import { readCookie, STAFF_SESSION_COOKIE } from '../common/web/cookies.js';
import type { ConsoleRequest } from './console-context.js';

export const staffLoginRequired = () => new DomainError('unauthenticated', 'STAFF_LOGIN_REQUIRED', 'Log in first');
export const staffTotpSetupRequired = () => new DomainError('unauthenticated', 'TOTP_SETUP_REQUIRED', 'Set up two-step login first');

/** Console pages need a live staff session (the same session the staff API uses). */
@Injectable()
export class StaffSessionGuard implements CanActivate {
  constructor(private readonly auth: AuthService) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const req = context.switchToHttp().getRequest<ConsoleRequest>();
    const cookie = readCookie(req, STAFF_SESSION_COOKIE);
    const resolved = cookie ? await this.auth.actorForSession(cookie) : undefined;
    if (!resolved) throw staffLoginRequired();
    if (resolved.setupPending) throw staffTotpSetupRequired();
    req.staff = resolved.actor;
    return true;
  }
}
