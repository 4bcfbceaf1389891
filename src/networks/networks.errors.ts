import { DomainError, notFound } from '../common/domain-error.js';

export const networkNotFound = () => notFound('NETWORK_NOT_FOUND', 'The network');
export const networkSlugTaken = () =>
  new DomainError('conflict', 'NETWORK_SLUG_TAKEN', 'A network with this slug already exists', 'slug');
