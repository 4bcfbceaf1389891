import { DomainError, notFound } from '../common/domain-error.js';

export const editionNotFound = () => notFound('EDITION_NOT_FOUND', 'The edition');
export const editionNotAwaitingApproval = () =>
  new DomainError('conflict', 'EDITION_NOT_AWAITING_APPROVAL', 'The edition is not waiting for approval');
export const fourEyes = () =>
  new DomainError('forbidden', 'APPROVAL_NEEDS_SECOND_PERSON', 'A coordinator other than the one who requested the edition must approve it');
export const onlyStaffApprove = () => new DomainError('forbidden', 'APPROVAL_NEEDS_STAFF', 'Only a coordinator or an administrator can approve');
export const editionUnchanged = () =>
  new DomainError('conflict', 'EDITION_UNCHANGED', 'Nothing changed since the last edition; send force: true to publish it again', 'force');
