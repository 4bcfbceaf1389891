import { ArgumentMetadata, ValidationError, ValidationPipe } from '@nestjs/common';
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

/** Keys the object model gives a meaning of its own; class-transformer drops them silently. */
const RESERVED_KEYS = ['__proto__', 'constructor', 'prototype'];

function reservedKeys(value: unknown, parent = ''): FieldProblem[] {
  if (typeof value !== 'object' || value === null) return [];
  return Object.keys(value).flatMap((key) => {
    const field = parent ? `${parent}.${key}` : key;
    const own = RESERVED_KEYS.includes(key) ? [{ field, code: 'UNKNOWN_FIELD', message: `${field} is not a known field` }] : [];
    return [...own, ...reservedKeys((value as Record<string, unknown>)[key], field)];
  });
}

/** Refuses "__proto__" and friends as unknown fields before the DTO is built. */
class StrictValidationPipe extends ValidationPipe {
  override async transform(value: unknown, metadata: ArgumentMetadata) {
    if (metadata.type === 'body') {
      const problems = reservedKeys(value);
      if (problems.length) throw new ValidationFailedError(problems);
    }
    return super.transform(value, metadata);
  }
}

/** DTO validation: unknown fields are refused, every problem is reported with its field. */
export function createValidationPipe(): ValidationPipe {
  return new StrictValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    stopAtFirstError: false,
    validationError: { target: false, value: false },
    exceptionFactory: (errors) => new ValidationFailedError(flatten(errors)),
  });
}
