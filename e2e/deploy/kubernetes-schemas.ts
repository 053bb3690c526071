/**
 * Validation of Kubernetes manifests against the API's schemas, without a cluster: the
 * `kubernetes-models` package (generated from Kubernetes' OpenAPI) checks types, formats and
 * required fields at run time, and its TypeScript declarations, compiled over the manifests as
 * object literals, reject any field the API does not have (what kubeconform's -strict does).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import ts from 'typescript';

export interface Manifest {
  apiVersion: string;
  kind: string;
  metadata: { name: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  [field: string]: unknown;
}

const MODELS_DIR = path.dirname(require.resolve('kubernetes-models/package.json'));

/** `kubernetes-models/apps/v1/Deployment` for apps/v1 Deployment; core (`v1`) kinds live under `v1/`. */
const modelPath = (m: Manifest) => `kubernetes-models/${m.apiVersion}/${m.kind}`;
const describe = (m: Manifest) => `${m.apiVersion} ${m.kind} ${m.metadata?.name}`;

/** Problems of each manifest, by `apiVersion kind name`; empty when every one is valid. */
export function validateManifests(manifests: Manifest[]): string[] {
  const problems: string[] = [];
  const known: Manifest[] = [];
  for (const m of manifests) {
    let Model: new (data: unknown) => { validate(): void };
    try {
      Model = (require(modelPath(m)) as Record<string, new (data: unknown) => { validate(): void }>)[m.kind];
    } catch {
      problems.push(`${describe(m)}: no schema for this apiVersion and kind`);
      continue;
    }
    known.push(m);
    try {
      new Model(m).validate();
    } catch (err) {
      problems.push(`${describe(m)}: ${(err as Error).message}`);
    }
  }
  return [...problems, ...unknownFieldProblems(known)];
}

/** Fields the API does not know, and wrong types, from TypeScript's checks of object literals. */
function unknownFieldProblems(manifests: Manifest[]): string[] {
  if (!manifests.length) return [];
  const dir = mkdtempSync(path.join(os.tmpdir(), 'reverie-k8s-schemas-'));
  try {
    const file = path.join(dir, 'manifests.ts');
    const imports = [...new Set(manifests.map(modelPath))].map((p, i) => `import type { I${p.split('/').pop()} as T${i} } from '${p}';`);
    const typeOf = new Map([...new Set(manifests.map(modelPath))].map((p, i) => [p, `T${i}`]));
    const lines = manifests.map((m, i) => `// ${describe(m)}\nexport const m${i}: ${typeOf.get(modelPath(m))} = ${JSON.stringify(m, null, 1)};`);
    writeFileSync(file, `${imports.join('\n')}\n${lines.join('\n')}\n`);
    const program = ts.createProgram([file], {
      strict: true, noEmit: true, skipLibCheck: true, types: [],
      module: ts.ModuleKind.ESNext, moduleResolution: ts.ModuleResolutionKind.Bundler,
      paths: { 'kubernetes-models/*': [`${MODELS_DIR}/*`] },
    });
    return ts.getPreEmitDiagnostics(program).map((d) => {
      const text = ts.flattenDiagnosticMessageText(d.messageText, '\n');
      if (!d.file || d.start === undefined) return text;
      const at = d.file.getLineAndCharacterOfPosition(d.start).line;
      const owner = d.file.text.split('\n').slice(0, at + 1).reverse().find((l) => l.startsWith('// '))?.slice(3) ?? 'manifest';
      return `${owner}: ${text}`;
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
