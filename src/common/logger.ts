import type { LoggerService } from '@nestjs/common';
import { pino, type Logger } from 'pino';

/** Structured JSON logs. Callers pass ids, never names, emails or other contact data. */
export function createLogger(level: string, fd: 1 | 2 = 1): Logger {
  return pino({ level, base: { service: 'listebud' }, timestamp: pino.stdTimeFunctions.isoTime }, pino.destination({ fd, sync: true }));
}

const NAME = /^[A-Za-z][A-Za-z0-9_]{0,59}$/;
const CODE = /^[A-Za-z0-9_.-]{1,40}$/;

/**
 * What a log may keep of an error: its class, its code (a driver's SQLSTATE, a domain code) and the
 * stack's frames. Never the message, nor the stack's first line that repeats it: a database driver
 * quotes the offending value ("invalid input syntax for type bigint: \"…\"").
 */
export function describeError(error: unknown): { type: string; code?: string; frames?: string } {
  const e = (error ?? {}) as { name?: unknown; code?: unknown; stack?: unknown; constructor?: { name?: unknown } };
  const className = typeof e.constructor?.name === 'string' && NAME.test(e.constructor.name) ? e.constructor.name : 'Error';
  const name = typeof e.name === 'string' && NAME.test(e.name) ? e.name : className;
  const code = typeof e.code === 'string' && CODE.test(e.code) ? e.code : typeof e.code === 'number' ? String(e.code) : undefined;
  return { type: name, ...(code ? { code } : {}), ...(typeof e.stack === 'string' ? { frames: stackFrames(e.stack) } : {}) };
}

/** The `at …` lines of a stack, without the message lines before them. */
export function stackFrames(stack: string): string {
  return stack
    .split('\n')
    .filter((line) => /^\s+at /.test(line))
    .join('\n');
}

/** Lets Nest's own messages go through pino too. */
export class PinoNestLogger implements LoggerService {
  constructor(private readonly logger: Logger) {}
  log(message: unknown, context?: string) {
    this.logger.info({ context }, String(message));
  }
  /** Nest passes an error's message and stack here (e.g. a failed start): the message goes, frames stay. */
  error(message: unknown, trace?: string, context?: string) {
    if (message instanceof Error) {
      this.logger.error({ context, err: describeError(message) }, 'error');
      return;
    }
    this.logger.error({ context, ...(typeof trace === 'string' ? { frames: stackFrames(trace) } : {}) }, String(message));
  }
  warn(message: unknown, context?: string) {
    this.logger.warn({ context }, String(message));
  }
  debug(message: unknown, context?: string) {
    this.logger.debug({ context }, String(message));
  }
  verbose(message: unknown, context?: string) {
    this.logger.trace({ context }, String(message));
  }
}
