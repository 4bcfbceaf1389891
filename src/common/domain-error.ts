/**
 * Every rule a service enforces fails with a DomainError carrying a stable code. Services never throw
 * HTTP exceptions: the CLI and the scheduler call the same services. One filter maps kinds to HTTP.
 */
export type ErrorKind = 'invalid' | 'unauthenticated' | 'forbidden' | 'not_found' | 'conflict' | 'gone' | 'too_many';

export interface FieldProblem {
  code: string;
  message: string;
  field?: string;
  row?: number;
}

export class DomainError extends Error {
  constructor(
    readonly kind: ErrorKind,
    readonly code: string,
    message: string,
    readonly field?: string,
    readonly problems: FieldProblem[] = [],
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

export class ValidationFailedError extends DomainError {
  constructor(problems: FieldProblem[], message = 'The input is not valid') {
    super('invalid', 'VALIDATION_FAILED', message, problems[0]?.field, problems);
  }
}

export const notFound = (code: string, what: string) => new DomainError('not_found', code, `${what} was not found`);
export const forbidden = (message = 'You are not allowed to do this') =>
  new DomainError('forbidden', 'FORBIDDEN', message);

/** For exhaustive switches over a union: a new member makes the build fail here until it is handled. */
export function assertUnreachable(value: never): never {
  throw new Error(`unhandled case: ${String(value)}`);
}
