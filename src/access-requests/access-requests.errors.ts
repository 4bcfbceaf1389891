import { DomainError, notFound } from '../common/domain-error.js';

export const accessRequestNotFound = () => notFound('ACCESS_REQUEST_NOT_FOUND', 'The pending access request');
export const tooManyAccessRequests = () =>
  new DomainError('too_many', 'ACCESS_REQUESTS_THROTTLED', 'Too many requests from this address. Try again later');
export const approvalTargetRequired = () =>
  new DomainError('invalid', 'APPROVAL_TARGET_REQUIRED', 'Give either memberId (link to an existing member) or networkId (create the member there), not both', 'memberId');
