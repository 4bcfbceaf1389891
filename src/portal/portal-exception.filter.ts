import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Inject, Injectable } from '@nestjs/common';
import type { Response } from 'express';
import type { Logger } from 'pino';
import { AppConfig } from '../config/app-config.js';
import { DomainError } from '../common/domain-error.js';
import { describeError } from '../common/logger.js';
import { isSafeMethod } from '../common/web/csrf.js';
import { localPath } from '../common/web/locale.js';
import { PAGE_ERROR_TEXTS, pageErrorFor, pageErrorOf } from '../common/web/page-errors.js';
import { LOGGER } from '../common/logger.module.js';
import type { RequestWithId } from '../common/request-id.js';
import { pageContext, sendPage, type PortalRequest } from './portal-context.js';
import { formPageOf, loginPath, safeReturnPath } from './return-path.js';
import { messagePage } from './views/public-pages.js';

/**
 * Errors on portal pages become pages, never JSON: no session → the login page (with the way back); anything not
 * found (including another member's bundle and malformed ids) → one 404 page; every other domain
 * error → its kind's page and status (common/web/page-errors.ts); only the unknown → 500.
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
    if (exception instanceof DomainError && pageErrorFor(exception.kind).login) {
      if (exception.code === 'SECOND_FACTOR_REQUIRED') return res.redirect(303, '/portal/kode');
      // A form sent after the session ended: its change is lost, so the login page says so, and
      // brings the member back to the form's page (a checked local path) afterwards.
      const posted = !isSafeMethod(req);
      const path = localPath(req);
      const next = posted ? formPageOf(path) : safeReturnPath(path);
      res.redirect(303, loginPath({ next, expired: posted && path !== '/portal/logout' }));
      return;
    }
    req.memberSession = undefined;
    const ctx = pageContext(req, res, this.config.orgName);
    const mapped = pageErrorOf(exception);
    const back = { href: '/portal', label: ctx.t.navMessages };
    // Another member's bundle, a forbidden one and a malformed id all look like "not found" to a member.
    const hidden =
      (mapped && !mapped.login && (mapped.kind === 'forbidden' || mapped.kind === 'not_found' || (exception as DomainError).code === 'VALIDATION_FAILED')) ||
      (exception instanceof HttpException && exception.getStatus() === 404);
    if (hidden) {
      sendPage(res, messagePage(ctx, ctx.t.notFoundTitle, ctx.t.notFound, back), 404);
      return;
    }
    if (mapped && !mapped.login) {
      const text = PAGE_ERROR_TEXTS[ctx.locale][mapped.kind];
      sendPage(res, messagePage(ctx, text.title, text.message, back), mapped.status);
      return;
    }
    this.logger.error({ requestId: req.requestId, err: describeError(exception) }, 'portal page failed');
    sendPage(res, messagePage(ctx, ctx.t.errorTitle, ctx.t.error), 500);
  }
}
