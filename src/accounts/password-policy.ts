import type { FieldProblem } from '../common/domain-error.js';

export const PASSWORD_MIN_LENGTH = 12;
export const PASSWORD_MAX_LENGTH = 256;

/** NIST SP 800-63B: length, not composition rules. */
export function passwordProblems(password: unknown, field = 'password'): FieldProblem[] {
  if (typeof password !== 'string') return [{ field, code: 'PASSWORD_REQUIRED', message: `${field} is required` }];
  const length = [...password].length;
  if (length < PASSWORD_MIN_LENGTH) {
    return [{ field, code: 'PASSWORD_TOO_SHORT', message: `${field} must be at least ${PASSWORD_MIN_LENGTH} characters` }];
  }
  if (length > PASSWORD_MAX_LENGTH) {
    return [{ field, code: 'PASSWORD_TOO_LONG', message: `${field} must be at most ${PASSWORD_MAX_LENGTH} characters` }];
  }
  return [];
}
