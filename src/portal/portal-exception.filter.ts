import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Inject, Injectable } from '@nestjs/common';
import type { Response } from 'express';
import type { Logger } from 'pino';
import { AppConfig } from '../config/app-config.js';
import { DomainError } from '../common/domain-error.js';
import { LOGGER } from '../common/logger.module.js';
import type { RequestWithId } from '../common/request-id.js';
import { pageContext, sendPage, type PortalRequest } from './portal-context.js';
import { messagePage } from './views/public-pages.js';

/**
 * Errors on portal pages become pages, never JSON: no session → the login page; anything not
 * found (including another member's bundle and malformed ids) → one 404 page; the rest → 500.
 */
@Injectable()
@Catch()
export class PortalExceptionFilter implements ExceptionFilter {
  constructor(
    private readonly config: AppConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const req = host.switchToHttp().getRequest<PortalRequest & RequestWithId>();
    const res = host.switchToHttp().getResponse<Response>();
    if (exception instanceof DomainError && exception.kind === 'unauthenticated') {
      res.redirect(303, exception.code === 'SECOND_FACTOR_REQUIRED' ? '/portal/kode' : '/portal/login');
      return;
    }
    req.memberSession = undefined;
    const ctx = pageContext(req, res, this.config.orgName);
    const notFound =
      (exception instanceof DomainError && (exception.kind === 'not_found' || exception.code === 'VALIDATION_FAILED' || exception.kind === 'forbidden')) ||
      (exception instanceof HttpException && exception.getStatus() === 404);
    if (notFound) {
      sendPage(res, messagePage(ctx, ctx.t.notFoundTitle, ctx.t.notFound, { href: '/portal', label: ctx.t.navMessages }), 404);
      return;
    }
    const err = exception as Error;
    this.logger.error({ requestId: req.requestId, err: { type: err?.name, code: (err as DomainError)?.code, stack: err?.stack } }, 'portal page failed');
    sendPage(res, messagePage(ctx, ctx.t.errorTitle, ctx.t.error), 500);
  }
}
