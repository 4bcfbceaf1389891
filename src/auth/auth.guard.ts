import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import type { Actor, StaffRole } from '../common/actor.js';
import { BEFORE_SECOND_FACTOR_KEY, PUBLIC_KEY, ROLES_KEY } from '../common/auth.decorators.js';
import { DomainError, forbidden } from '../common/domain-error.js';
import { AuthService } from './auth.service.js';
import { readCookie, STAFF_SESSION_COOKIE } from '../common/web/cookies.js';
import { apiWriteAllowed, isSafeMethod } from '../common/web/csrf.js';
import { AppConfig } from '../config/app-config.js';

const unauthenticated = () => new DomainError('unauthenticated', 'UNAUTHENTICATED', 'Log in first');
const csrfRefused = () =>
  new DomainError('forbidden', 'CSRF_REFUSED', 'A write with the session cookie needs the X-CSRF-Token header from login, or must come from this site');
const totpSetupRequired = () =>
  new DomainError('forbidden', 'TOTP_SETUP_REQUIRED', 'Set up two-step login first: POST /api/v1/auth/totp/setup, then /api/v1/auth/totp/enable');

/**
 * Global guard: resolves the actor from a bearer token or a session cookie and checks the route's
 * roles. Routes without @Roles are admin-only. Network scope is checked by the services.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly auth: AuthService,
    private readonly config: AppConfig,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_KEY, targets)) return true;
    const req = context.switchToHttp().getRequest<Request & { actor?: Actor }>();
    const resolved = await this.resolve(req);
    if (!resolved) throw unauthenticated();
    const { actor, setupPending } = resolved;
    if (setupPending && !this.reflector.getAllAndOverride<boolean>(BEFORE_SECOND_FACTOR_KEY, targets)) throw totpSetupRequired();
    req.actor = actor;
    const roles = this.reflector.getAllAndOverride<StaffRole[]>(ROLES_KEY, targets) ?? ['admin'];
    if (actor.type !== 'staff' || !roles.includes(actor.role)) throw forbidden();
    return true;
  }

  private async resolve(req: Request): Promise<{ actor: Actor; setupPending: boolean } | undefined> {
    const header = req.headers.authorization;
    if (header !== undefined) {
      const match = /^Bearer ([A-Za-z0-9_-]{10,200})$/.exec(header);
      if (!match) throw unauthenticated();
      const actor = await this.auth.actorForToken(match[1]);
      if (!actor) throw unauthenticated();
      return { actor, setupPending: false };
    }
    const session = readCookie(req, STAFF_SESSION_COOKIE);
    if (!session) return undefined;
    // The browser sends the cookie on any site's request: a write with it must prove it comes from ours.
    if (!isSafeMethod(req) && !apiWriteAllowed(this.config.sessionSecret ?? '', req, [new URL(this.config.baseUrl).origin])) throw csrfRefused();
    return this.auth.actorForSession(session);
  }
}
