// One swc configuration for the build and for jest: TypeScript with legacy decorators and
// decorator metadata (NestJS dependency injection reads `design:paramtypes`).
const path = require('node:path');
const tsconfig = require('../tsconfig.base.json');

const root = path.resolve(__dirname, '..');

function swcOptions({ rewritePaths = false } = {}) {
  const jsc = {
    target: 'es2022',
    parser: { syntax: 'typescript', decorators: true },
    transform: { legacyDecorator: true, decoratorMetadata: true },
    keepClassNames: true,
  };
  if (rewritePaths) {
    jsc.baseUrl = root;
    jsc.paths = tsconfig.compilerOptions.paths;
  }
  return { sourceMaps: true, module: { type: 'commonjs' }, jsc };
}

module.exports = { swcOptions, root };
