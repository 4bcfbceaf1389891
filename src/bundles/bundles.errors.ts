import { DomainError } from '../common/domain-error.js';

export const bundleNotReady = () => new DomainError('conflict', 'BUNDLE_NOT_READY', 'The bundle is not ready (still building, waiting for a key, revoked or expired)');
