import { ValidationFailedError } from '../common/domain-error.js';

export const erasureChannelRequired = () =>
  new ValidationFailedError([
    { field: 'channel', code: 'CHANNEL_REQUIRED', message: 'channel is required (phone, paper, email or portal) when the member has no open erasure request' },
  ]);
