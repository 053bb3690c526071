// Compiles apps/, libs/ and bench/ to dist/ with swc (seconds, not minutes), rewriting the
// `@reverie/*` path aliases into relative requires so `node dist/...` runs without a loader.
// Type checking is a separate step: `npm run typecheck`.
import { transformFile } from '@swc/core';
import { mkdir, readdir, writeFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { swcOptions, root } = require('./swc-options.cjs');
const outDir = path.join(root, 'dist');

async function* tsFiles(dir) {
  let entries;
  try { entries = await readdir(dir, { withFileTypes: true }); } catch { return; }
  for (const e of entries) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) {
      if (e.name === 'node_modules' || e.name === '__fixtures__') continue;
      // The reviewer console is a browser page: Vite builds it (package.json's build), not swc.
      if (p === path.join(root, 'apps', 'console')) continue;
      yield* tsFiles(p);
    } else if (e.name.endsWith('.ts') && !e.name.endsWith('.d.ts') && !e.name.endsWith('.spec.ts')) {
      yield p;
    }
  }
}

await rm(outDir, { recursive: true, force: true });
const options = swcOptions({ rewritePaths: true });
let count = 0;
const jobs = [];
for (const top of ['apps', 'libs', 'bench', 'tools']) {
  for await (const file of tsFiles(path.join(root, top))) {
    jobs.push((async () => {
      const out = await transformFile(file, { ...options, filename: file, sourceFileName: path.relative(path.join(outDir, path.relative(root, path.dirname(file))), file) });
      const target = path.join(outDir, path.relative(root, file)).replace(/\.ts$/, '.js');
      await mkdir(path.dirname(target), { recursive: true });
      await writeFile(target, out.code + `\n//# sourceMappingURL=${path.basename(target)}.map`);
      if (out.map) await writeFile(target + '.map', out.map);
      count++;
    })());
  }
}
await Promise.all(jobs);
console.log(`built ${count} files into dist/`);
