// The fault suite (`npm run test:faults`): kills the service, stops SMTP, restarts PostgreSQL and
// breaks the bundle folder, so it runs apart from `npm test`, one file at a time, with long timeouts.
import { serverProject as base } from './jest.config.js';

export default {
  ...base,
  testMatch: ['<rootDir>/test/faults/**/*.test.ts'],
  testPathIgnorePatterns: ['/node_modules/'],
  testTimeout: 600_000,
  maxWorkers: 1,
  // Only the kill test runs seeds side by side (it.concurrent).
  maxConcurrency: 5,
};
