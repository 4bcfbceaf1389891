import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Inject, Injectable } from '@nestjs/common';
import type { Response } from 'express';
import type { Logger } from 'pino';
import { AppConfig } from '../config/app-config.js';
import { DomainError } from '../common/domain-error.js';
import { describeError } from '../common/logger.js';
import { PAGE_ERROR_TEXTS, pageErrorFor, pageErrorOf } from '../common/web/page-errors.js';
import { LOGGER } from '../common/logger.module.js';
import type { RequestWithId } from '../common/request-id.js';
import { consoleContext, sendPage, type ConsoleRequest } from './console-context.js';
import { consoleMessage } from './views/console-layout.js';

/** Errors on console pages become pages (login, TOTP set-up, or each kind's page and status); only the unknown → 500; never JSON. */
@Injectable()
@Catch()
export class ConsoleExceptionFilter implements ExceptionFilter {
  constructor(
    private readonly config: AppConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const req = host.switchToHttp().getRequest<ConsoleRequest & RequestWithId>();
    const res = host.switchToHttp().getResponse<Response>();
    if (exception instanceof DomainError && pageErrorFor(exception.kind).login) {
      res.redirect(303, exception.code === 'TOTP_SETUP_REQUIRED' ? '/console/to-trin' : '/console/login');
      return;
    }
    const ctx = consoleContext(req, res, this.config.orgName);
    const mapped = pageErrorOf(exception);
    const notFound =
      (mapped && !mapped.login && (mapped.kind === 'not_found' || (exception as DomainError).code === 'VALIDATION_FAILED')) ||
      (exception instanceof HttpException && exception.getStatus() === 404);
    if (notFound) {
      sendPage(res, consoleMessage(ctx, ctx.t.notFoundTitle, ctx.t.notFound), 404);
      return;
    }
    if (mapped && !mapped.login && mapped.kind === 'forbidden') {
      sendPage(res, consoleMessage(ctx, ctx.t.forbiddenTitle, ctx.t.forbidden), 403);
      return;
    }
    if (mapped && !mapped.login) {
      const text = PAGE_ERROR_TEXTS[ctx.locale][mapped.kind];
      sendPage(res, consoleMessage(ctx, text.title, text.message), mapped.status);
      return;
    }
    this.logger.error({ requestId: req.requestId, err: describeError(exception) }, 'console page failed');
    sendPage(res, consoleMessage(ctx, ctx.t.errorTitle, ctx.t.error), 500);
  }
}
