import { DomainError, notFound } from '../common/domain-error.js';

export const memberNotFound = () => notFound('MEMBER_NOT_FOUND', 'The member');
export const membershipNotFound = () => notFound('MEMBERSHIP_NOT_FOUND', 'The membership');
export const memberErased = () => new DomainError('conflict', 'MEMBER_ERASED', 'The member has been erased');
export const memberEmailTaken = () =>
  new DomainError('conflict', 'MEMBER_EMAIL_TAKEN', 'A member with this e-mail address already exists', 'email');
