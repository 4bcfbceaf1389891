import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus, Inject } from '@nestjs/common';
import type { Response } from 'express';
import { STATUS_CODES } from 'node:http';
import type { Logger } from 'pino';
import { DomainError, type ErrorKind } from './domain-error.js';
import { LOGGER } from './logger.module.js';
import { describeError } from './logger.js';
import type { RequestWithId } from './request-id.js';

const STATUS: Record<ErrorKind, number> = {
  invalid: HttpStatus.BAD_REQUEST,
  unauthenticated: HttpStatus.UNAUTHORIZED,
  forbidden: HttpStatus.FORBIDDEN,
  not_found: HttpStatus.NOT_FOUND,
  conflict: HttpStatus.CONFLICT,
  gone: HttpStatus.GONE,
  too_many: HttpStatus.TOO_MANY_REQUESTS,
};

/** The one place where errors become HTTP: `{ code, message, field?, errors?, requestId }`. */
@Catch()
export class HttpExceptionFilter implements ExceptionFilter {
  constructor(@Inject(LOGGER) private readonly logger: Logger) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const ctx = host.switchToHttp();
    const res = ctx.getResponse<Response>();
    const req = ctx.getRequest<RequestWithId>();
    const requestId = req.requestId;

    if (exception instanceof DomainError) {
      const body: Record<string, unknown> = { code: exception.code, message: exception.message, requestId };
      if (exception.field) body.field = exception.field;
      if (exception.problems.length) body.errors = exception.problems;
      res.status(STATUS[exception.kind]).json(body);
      return;
    }
    if (exception instanceof HttpException) {
      // Only the framework throws these (services throw DomainError). Their messages can quote the
      // request (a JSON parser's error shows the body), so the answer never repeats them.
      const status = exception.getStatus();
      const known: Record<number, [string, string]> = {
        400: ['MALFORMED_BODY', 'The request body is not valid JSON'],
        404: ['NOT_FOUND', 'Not found'],
        413: ['PAYLOAD_TOO_LARGE', 'The request body is too large'],
      };
      const [code, message] = known[status] ?? [`HTTP_${status}`, STATUS_CODES[status] ?? 'Request failed'];
      res.status(status).json({ code, message, requestId });
      return;
    }
    const parseError = exception as { type?: string; status?: number };
    if (parseError?.type === 'entity.parse.failed') {
      res.status(400).json({ code: 'MALFORMED_BODY', message: 'The request body is not valid JSON', requestId });
      return;
    }
    if (parseError?.type === 'entity.too.large') {
      res.status(413).json({ code: 'PAYLOAD_TOO_LARGE', message: 'The request body is too large', requestId });
      return;
    }
    // Unknown failure: the error's class, code and stack frames only; messages from drivers quote data.
    this.logger.error({ requestId, err: describeError(exception) }, 'unhandled error');
    res.status(500).json({ code: 'INTERNAL', message: 'Something went wrong on our side', requestId });
  }
}
