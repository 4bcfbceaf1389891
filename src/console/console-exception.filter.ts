import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Inject, Injectable } from '@nestjs/common';
import type { Response } from 'express';
import type { Logger } from 'pino';
import { AppConfig } from '../config/app-config.js';
import { DomainError } from '../common/domain-error.js';
import { LOGGER } from '../common/logger.module.js';
import type { RequestWithId } from '../common/request-id.js';
import { consoleContext, sendPage, type ConsoleRequest } from './console-context.js';
import { consoleMessage } from './views/console-layout.js';

/** Errors on console pages become pages: login, TOTP set-up, 403, 404 or 500; never JSON. */
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
    if (exception instanceof DomainError && exception.kind === 'unauthenticated') {
      res.redirect(303, exception.code === 'TOTP_SETUP_REQUIRED' ? '/console/to-trin' : '/console/login');
      return;
    }
    const ctx = consoleContext(req, res, this.config.orgName);
    if (exception instanceof DomainError && exception.kind === 'forbidden') {
      sendPage(res, consoleMessage(ctx, ctx.t.forbiddenTitle, ctx.t.forbidden), 403);
      return;
    }
    if ((exception instanceof DomainError && (exception.kind === 'not_found' || exception.code === 'VALIDATION_FAILED')) || (exception instanceof HttpException && exception.getStatus() === 404)) {
      sendPage(res, consoleMessage(ctx, ctx.t.notFoundTitle, ctx.t.notFound), 404);
      return;
    }
    const err = exception as Error;
    this.logger.error({ requestId: req.requestId, err: { type: err?.name, code: (err as DomainError)?.code, stack: err?.stack } }, 'console page failed');
    sendPage(res, consoleMessage(ctx, ctx.t.errorTitle, ctx.t.error), 500);
  }
}
