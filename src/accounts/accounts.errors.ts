import { DomainError, notFound } from '../common/domain-error.js';

export const staffEmailTaken = () =>
  new DomainError('conflict', 'STAFF_EMAIL_TAKEN', 'A staff account with this e-mail address already exists', 'email');
export const staffNotFound = () => notFound('STAFF_NOT_FOUND', 'The staff account');
export const networksNotFound = () =>
  new DomainError('invalid', 'NETWORK_NOT_FOUND', 'networkIds names a network that does not exist', 'networkIds');
export const onlyCoordinatorsHaveNetworks = () =>
  new DomainError('invalid', 'NETWORKS_NOT_ALLOWED', 'networkIds can only be given for coordinators', 'networkIds');
