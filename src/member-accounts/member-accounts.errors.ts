import { DomainError } from '../common/domain-error.js';

/** The same answer for an unknown e-mail, a wrong password and an account not yet activated. */
export const loginFailed = () => new DomainError('unauthenticated', 'LOGIN_FAILED', 'The e-mail or password is wrong');
export const linkInvalid = () =>
  new DomainError('not_found', 'LINK_INVALID', 'The link is not valid any more. Ask for a new one', 'token');
export const accountAlreadyActive = () => new DomainError('conflict', 'ACCOUNT_ALREADY_ACTIVE', 'The member has already activated an account');
export const memberSessionRequired = () => new DomainError('unauthenticated', 'MEMBER_LOGIN_REQUIRED', 'Log in first');
export const secondFactorRequired = () => new DomainError('unauthenticated', 'SECOND_FACTOR_REQUIRED', 'Enter the code from your authenticator app', 'code');
export const currentPasswordWrong = () => new DomainError('invalid', 'CURRENT_PASSWORD_WRONG', 'The current password is wrong', 'currentPassword');
export const totpCodeWrong = () => new DomainError('invalid', 'TOTP_CODE_WRONG', 'The code is wrong or too old', 'code');
export const totpNotStarted = () => new DomainError('conflict', 'TOTP_NOT_STARTED', 'Start the set-up of two-step login first');
