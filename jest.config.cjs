// Two projects: `unit` (pure code, no I/O) and `integration` (*.int.spec.ts, real NATS and Postgres).
const { swcOptions } = require('./tools/swc-options.cjs');
const tsconfig = require('./tsconfig.base.json');

const moduleNameMapper = { '^(\\.{1,2}/.*)\\.js$': '$1' };
for (const [alias, [target]] of Object.entries(tsconfig.compilerOptions.paths)) {
  moduleNameMapper[`^${alias.replace('/', '\\/')}$`] = `<rootDir>/${target}`;
}

const common = {
  rootDir: __dirname,
  testEnvironment: 'node',
  transform: { '^.+\\.(t|j|mj)s$': ['@swc/jest', swcOptions()] },
  transformIgnorePatterns: ['/node_modules/(?!(@nestjs|@nats-io|cookie|jose|@fastify/static|content-disposition)/)'],
  moduleNameMapper,
  setupFiles: ['reflect-metadata'],
};

module.exports = {
  projects: [
    {
      ...common,
      displayName: 'unit',
      testMatch: ['<rootDir>/{apps,libs,bench,tools,e2e}/**/*.spec.ts'],
      testPathIgnorePatterns: ['\\.int\\.spec\\.ts$', '/node_modules/'],
    },
    {
      ...common,
      displayName: 'integration',
      testMatch: ['<rootDir>/{apps,libs,bench,tools,e2e}/**/*.int.spec.ts'],
      testTimeout: 60000,
      globalSetup: '<rootDir>/tools/jest/sweep-test-streams.cjs',
    },
  ],
};
