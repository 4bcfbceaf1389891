import { DomainError, notFound } from '../common/domain-error.js';

export const listNotFound = () => notFound('LIST_NOT_FOUND', 'The list');
export const listSlugTaken = () => new DomainError('conflict', 'LIST_SLUG_TAKEN', 'The network already has a list with this slug', 'slug');
export const networkHasNoList = () =>
  new DomainError('invalid', 'LIST_REQUIRED', 'The network has no list, or several: name one with --list', 'list');
/** Four-eyes approval protects against the publishing coordinator; they must not be able to switch it off. */
export const approvalOffNeedsAdmin = () =>
  new DomainError('forbidden', 'APPROVAL_OFF_NEEDS_ADMIN', 'Only an admin may turn requiresApproval off', 'requiresApproval');
