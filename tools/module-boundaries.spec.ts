import { execFile } from 'node:child_process';
import path from 'node:path';

/**
 * The library types are enforced by lint: these cases lint code as if it were written in a
 * project and expect the boundary rule to refuse it (and to accept the allowed direction).
 * Needs Nx's project graph: `npx nx show projects` (run by `npm test`) creates it.
 */
jest.setTimeout(60_000);
const root = path.resolve(__dirname, '..');

/** Lints `code` as the file `file` (nothing is written) with the repository's ESLint config. */
function boundaryErrors(file: string, code: string): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const child = execFile(process.execPath, [path.join(root, 'node_modules/eslint/bin/eslint.js'), '--stdin', '--stdin-filename', path.join(root, file), '--format', 'json'], { cwd: root }, (err, stdout) => {
      try {
        const [result] = JSON.parse(stdout) as { messages: { ruleId: string | null; severity: number; message: string }[] }[];
        resolve(result.messages.filter((m) => m.ruleId === '@nx/enforce-module-boundaries' && m.severity === 2).map((m) => m.message));
      } catch {
        reject(err ?? new Error(`eslint printed no JSON: ${stdout}`));
      }
    });
    child.stdin?.end(code);
  });
}

describe('module boundaries', () => {
  it('refuses NestJS, TypeORM and NATS in a pure domain library', async () => {
    for (const pkg of ['@nestjs/common', 'typeorm', '@nats-io/transport-node', '@nats-io/jetstream', 'pg', '@anthropic-ai/sdk']) {
      const errors = await boundaryErrors('libs/dreaming-domain/src/boundary-probe.ts', `import * as x from '${pkg}';\nexport const y = x;\n`);
      expect(errors).toEqual([expect.stringContaining(`not allowed to import "${pkg}"`)]);
    }
  });

  it('refuses a domain library importing a data-access library', async () => {
    const errors = await boundaryErrors('libs/lesson-domain/src/boundary-probe.ts', `import { EventStore } from '@reverie/event-store';\nexport const y = EventStore;\n`);
    expect(errors).toEqual([expect.stringContaining('can only depend on libs tagged with')]);
  });

  it('refuses contracts depending on anything but contracts and util', async () => {
    // Every library depends on contracts, so the rule may name the cycle rather than the tag.
    const errors = await boundaryErrors('libs/contracts/src/boundary-probe.ts', `import { importContent } from '@reverie/importers';\nexport const y = importContent;\n`);
    expect(errors.length).toBeGreaterThan(0);
  });

  it('refuses an app reaching into another app', async () => {
    const errors = await boundaryErrors('apps/agent-serving/src/boundary-probe.ts', `import { createApp } from '../../lesson-governance/src/app.factory';\nexport const y = createApp;\n`);
    expect(errors.length).toBe(1);
  });

  it('accepts the declared directions', async () => {
    expect(await boundaryErrors('apps/dreaming/src/boundary-probe.ts', `import { planDream } from '@reverie/dreaming-domain';\nimport { EventStore } from '@reverie/event-store';\nexport const y = [planDream, EventStore];\n`)).toEqual([]);
    expect(await boundaryErrors('libs/dreaming-domain/src/boundary-probe.ts', `import { sessionEventSchema } from '@reverie/contracts';\nexport const y = sessionEventSchema;\n`)).toEqual([]);
  });
});
