// Jest runs in native ESM mode (NestJS 12 and age-encryption are ESM-only); @swc/jest strips types
// and keeps decorator metadata so Nest and TypeORM see the same classes as in the compiled build.
const swc = {
  jsc: {
    parser: { syntax: 'typescript', decorators: true },
    transform: { legacyDecorator: true, decoratorMetadata: true, useDefineForClassFields: false },
    target: 'es2022',
    keepClassNames: true,
  },
  module: { type: 'es6' },
  sourceMaps: 'inline',
};

/** Every test on the PostgreSQL server on 127.0.0.1:5432 (TEST_DATABASE_URL). */
export const serverProject = {
  displayName: 'server',
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  transform: { '^.+\\.ts$': ['@swc/jest', swc] },
  moduleNameMapper: {
    '^(\\.{1,2}/.*)\\.js$': '$1',
    // Its ESM build imports JSON without an import attribute, which Jest's ESM mode warns about on every file.
    '^libphonenumber-js$': '<rootDir>/node_modules/libphonenumber-js/index.cjs',
  },
  testMatch: ['<rootDir>/src/**/*.spec.ts', '<rootDir>/test/**/*.test.ts'],
  // The fault suite kills processes and restarts PostgreSQL: `npm run test:faults` (jest.faults.config.js).
  testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/faults/'],
  globalSetup: '<rootDir>/test/setup/global-setup.js',
  globalTeardown: '<rootDir>/test/setup/global-teardown.js',
};

/**
 * The tests that matter most for correctness once more on the embedded default: one embedded
 * PostgreSQL for the run (test/setup/embedded-global-setup.js), each file on its own clone.
 */
export const embeddedProject = {
  ...serverProject,
  displayName: 'embedded',
  testMatch: ['member-import', 'distribution', 'audit-trail', 'erasure'].map((name) => `<rootDir>/test/integration/${name}.test.ts`),
  globalSetup: '<rootDir>/test/setup/embedded-global-setup.js',
  globalTeardown: '<rootDir>/test/setup/embedded-global-teardown.js',
  globals: { LISTEBUD_TEST_DATABASE: 'embedded' },
};

export default {
  projects: [serverProject, embeddedProject],
  testTimeout: 60000,
  maxWorkers: 2,
};
