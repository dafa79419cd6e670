// One suite, run once per backend: each project forces GOHEAP_BACKEND before any test
// module loads, so a backend that cannot load fails its project instead of being skipped.
// The differential project compares the backends with each other.
const transform = { '^.+\\.ts$': ['ts-jest', { isolatedModules: true }] };

function backendProject(backend) {
  return {
    displayName: backend,
    testEnvironment: 'node',
    transform,
    testMatch: ['<rootDir>/test/**/*.test.ts'],
    setupFiles: [`<rootDir>/test/support/backend-${backend}.ts`],
  };
}

module.exports = {
  // Builds fresh fixture dumps with the machine's Go toolchains (cached; skipped without Go).
  globalSetup: '<rootDir>/test/support/global-setup.js',
  projects: [
    backendProject('js'),
    backendProject('wasm'),
    backendProject('native'),
    {
      displayName: 'differential',
      testEnvironment: 'node',
      transform,
      testMatch: ['<rootDir>/test/**/*.diff.ts'],
    },
  ],
  testTimeout: 120000,
};
