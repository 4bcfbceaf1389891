import { DomainError } from '../common/domain-error.js';

export const consentTextVersionUnknown = () =>
  new DomainError('invalid', 'CONSENT_TEXT_NOT_FOUND', 'consentTextVersion does not name a consent text of this network', 'consentTextVersion');
