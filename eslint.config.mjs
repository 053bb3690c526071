import nx from '@nx/eslint-plugin';
import tseslint from 'typescript-eslint';

// Library types and what each may reach (see README "Architecture"):
//   domain      pure code: no NestJS, TypeORM, pg, NATS, Anthropic SDK, no node I/O modules
//   contracts   event schemas, subjects; depends on nothing but util
//   data-access JetStream, Postgres, LLM clients
//   feature     NestJS modules
//   app         a deployable; nothing imports an app
const IO_PACKAGES = [
  '@nestjs/*', 'typeorm', 'pg', '@nats-io/*', '@anthropic-ai/sdk', '@opentelemetry/*',
  'fastify', 'node:fs', 'fs', 'node:fs/promises', 'fs/promises', 'node:net', 'node:http', 'http', 'node:child_process', 'child_process',
];

export default [
  { ignores: ['**/dist', '**/node_modules', '**/coverage', '.nx', 'tmp'] },
  ...nx.configs['flat/base'],
  ...nx.configs['flat/typescript'],
  {
    files: ['**/*.ts'],
    rules: {
      '@nx/enforce-module-boundaries': [
        'error',
        {
          enforceBuildableLibDependency: false,
          allow: [],
          // libs/testing builds test environments from event-store and persistence, whose own
          // integration specs use it: a cycle through spec files only, never through shipped code.
          ignoredCircularDependencies: [['testing', 'event-store'], ['testing', 'persistence']],
          depConstraints: [
            { sourceTag: 'type:app', onlyDependOnLibsWithTags: ['type:feature', 'type:data-access', 'type:domain', 'type:contracts', 'type:util', 'type:client'] },
            { sourceTag: 'type:feature', onlyDependOnLibsWithTags: ['type:feature', 'type:data-access', 'type:domain', 'type:contracts', 'type:util'] },
            { sourceTag: 'type:data-access', onlyDependOnLibsWithTags: ['type:data-access', 'type:domain', 'type:contracts', 'type:util'] },
            { sourceTag: 'type:domain', onlyDependOnLibsWithTags: ['type:domain', 'type:contracts', 'type:util'], bannedExternalImports: IO_PACKAGES },
            { sourceTag: 'type:contracts', onlyDependOnLibsWithTags: ['type:contracts', 'type:util'], bannedExternalImports: IO_PACKAGES },
            { sourceTag: 'type:client', onlyDependOnLibsWithTags: ['type:contracts', 'type:util'] },
            { sourceTag: 'type:util', onlyDependOnLibsWithTags: ['type:util', 'type:contracts', 'type:data-access'] },
          ],
        },
      ],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'warn',
    },
  },
  {
    // Tests are held to the same boundaries; they only get to use non-null assertions.
    files: ['**/*.spec.ts'],
    rules: { '@typescript-eslint/no-non-null-assertion': 'off' },
  },
];
