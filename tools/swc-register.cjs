// Runs a TypeScript entry point without a build, for tests that start one as a child process
// (`node -r ./tools/swc-register.cjs apps/cli/src/main.ts mcp`): the same swc options as jest.
const fs = require('node:fs');
const { transformSync } = require('@swc/core');
const { swcOptions } = require('./swc-options.cjs');

const options = swcOptions({ rewritePaths: true });
require.extensions['.ts'] = function compile(module, filename) {
  module._compile(transformSync(fs.readFileSync(filename, 'utf8'), { ...options, filename, sourceMaps: 'inline' }).code, filename);
};
