/**
 * Four projects: `unit` (pure, no I/O, runs anywhere), `integration` (real Kafka, Redis, Postgres),
 * `faults` (crashes, outages, hostile input and load, on its own broker and Redis: npm run test:faults)
 * and `browser` (the risk desk in Chromium against the real stack: npm run test:browser).
 */
const moduleNameMapper = {
  '^@credit/(domain|contracts|config|kafka|redis|postgres|auth|health|runtime|sandbox|observability|infrastructure)$':
    '<rootDir>/libs/$1/src',
};
/** Packages published only as ES modules: transpiled for Jest by test/support/esm-to-cjs.js. */
const ESM_ONLY = ['@nestjs/terminus'];
const transform = {
  '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.json' }],
  [`/node_modules/(${ESM_ONLY.join('|')})/.+\\.js$`]: '<rootDir>/test/support/esm-to-cjs.js',
};
const transformIgnorePatterns = [`/node_modules/(?!(${ESM_ONLY.join('|')})/)`];
module.exports = {
  projects: [
    {
      displayName: 'unit',
      testEnvironment: 'node',
      // test/support: the unit tests of the independent reference the faults suite relies on.
      roots: ['<rootDir>/apps', '<rootDir>/libs', '<rootDir>/test/support'],
      testMatch: ['**/*.spec.ts'],
      moduleNameMapper,
      transform,
      transformIgnorePatterns,
    },
    {
      displayName: 'integration',
      testEnvironment: 'node',
      roots: ['<rootDir>/test'],
      testMatch: ['**/*.int-spec.ts'],
      moduleNameMapper,
      transform,
      transformIgnorePatterns,
      setupFiles: ['reflect-metadata'],
      setupFilesAfterEnv: ['<rootDir>/test/support/jest-setup.ts'],
    },
    {
      displayName: 'faults',
      testEnvironment: 'node',
      roots: ['<rootDir>/test'],
      testMatch: ['**/*.fault-spec.ts'],
      moduleNameMapper,
      transform,
      transformIgnorePatterns,
      setupFiles: ['reflect-metadata'],
      setupFilesAfterEnv: ['<rootDir>/test/support/jest-setup.ts'],
    },
    {
      displayName: 'browser',
      testEnvironment: 'node',
      roots: ['<rootDir>/test'],
      testMatch: ['**/*.browser-spec.ts'],
      moduleNameMapper,
      transform,
      transformIgnorePatterns,
      setupFiles: ['reflect-metadata'],
      setupFilesAfterEnv: ['<rootDir>/test/support/jest-setup.ts'],
    },
  ],
};
