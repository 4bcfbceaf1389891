import { ValidationError, ValidationPipe } from '@nestjs/common';
import { ValidationFailedError, type FieldProblem } from './domain-error.js';

function flatten(errors: ValidationError[], parent = ''): FieldProblem[] {
  const problems: FieldProblem[] = [];
  for (const error of errors) {
    const field = parent ? `${parent}.${error.property}` : error.property;
    for (const [rule, message] of Object.entries(error.constraints ?? {})) {
      problems.push({
        field,
        code: rule === 'whitelistValidation' ? 'UNKNOWN_FIELD' : `INVALID_${rule.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase()}`,
        // class-validator messages quote the property name, never the submitted value.
        message: rule === 'whitelistValidation' ? `${field} is not a known field` : message,
      });
    }
    problems.push(...flatten(error.children ?? [], field));
  }
  return problems;
}

/** DTO validation: unknown fields are refused, every problem is reported with its field. */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    stopAtFirstError: false,
    validationError: { target: false, value: false },
    exceptionFactory: (errors) => new ValidationFailedError(flatten(errors)),
  });
}
