import { registerDecorator, type ValidationOptions } from 'class-validator';

/**
 * The one e-mail address check (forms, API, staff accounts, imports). The length is checked before
 * any pattern runs, and the pattern is linear: its parts are separated by characters they cannot
 * hold (`.` between local-part atoms, `@`, `.` between labels, each label at most 63 characters),
 * so no input makes it backtrack more than a label's length at each position.
 */
export const MAX_EMAIL_LENGTH = 254;
const MAX_EMAIL_LOCAL_PART = 64;

const LABEL = '[\\p{L}\\p{N}](?:[\\p{L}\\p{N}-]{0,61}[\\p{L}\\p{N}])?';
const ATOM = "[\\p{L}\\p{N}!#$%&'*+/=?^_`{|}~-]+";
export const EMAIL_PATTERN = new RegExp(`^${ATOM}(?:\\.${ATOM})*@(?:${LABEL}\\.)+\\p{L}[\\p{L}\\p{N}-]{0,62}$`, 'u');

export function isValidEmail(email: string): boolean {
  if (email.length > MAX_EMAIL_LENGTH) return false;
  const at = email.lastIndexOf('@');
  return at > 0 && at <= MAX_EMAIL_LOCAL_PART && EMAIL_PATTERN.test(email);
}

/** The same check as a DTO rule, so the API's DTOs and the services agree on what an address is. */
export function IsEmailAddress(options: ValidationOptions = {}) {
  return (target: object, propertyName: string) =>
    registerDecorator({
      name: 'isEmailAddress',
      target: target.constructor,
      propertyName,
      options: { message: `${propertyName} must be a valid e-mail address`, ...options },
      validator: { validate: (value: unknown) => typeof value === 'string' && isValidEmail(value.trim().toLowerCase()) },
    });
}
