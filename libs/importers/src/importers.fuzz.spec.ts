import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { sessionEventSchema } from '@reverie/contracts';
import { IMPORT_FORMATS, importContent, ImportError, type ImportResult } from './index';

const SAMPLES = resolve(__dirname, '../../../samples/real');

/** Throws only ImportError; whatever it does import must still validate. */
function importOrImportError(run: () => ImportResult): void {
  let result: ImportResult;
  try {
    result = run();
  } catch (e) {
    if (e instanceof ImportError) return;
    throw e;
  }
  for (const s of result.sessions) {
    for (const e of s.events) {
      const parsed = sessionEventSchema.safeParse(e);
      if (!parsed.success) throw new Error(`invalid ${e.type}: ${parsed.error.message}`);
    }
  }
}

describe('importers under malformed input', () => {
  it('never crash on cut or spliced sample files: rejections or ImportError only', () => {
    const files = readdirSync(SAMPLES).flatMap((d) => readdirSync(join(SAMPLES, d)).map((f) => join(SAMPLES, d, f)));
    const contents = files.map((f) => readFileSync(f, 'utf8'));
    let seed = 7;
    const rnd = () => { seed = (seed * 1103515245 + 12345) % 2147483648; return seed / 2147483648; };
    for (let i = 0; i < 400; i++) {
      const c = contents[i % contents.length];
      const a = Math.floor(rnd() * c.length);
      const mutated = rnd() < 0.5 ? c.slice(0, a) + c.slice(a + Math.floor(rnd() * 200)) : `${c.slice(0, a)}"}]\n{${c.slice(a)}`;
      expect(() => importOrImportError(() => importContent(files[i % files.length], mutated, { tenantId: 't' }))).not.toThrow();
    }
  });

  it('never crash on wrongly shaped JSON forced into any format', () => {
    const shapes: unknown[] = [
      null, 1, 'x', [], {}, [null], { messages: [null, 1, { role: 'user', content: 5 }] },
      { trajectory: [null, { action: 5, observation: null }] }, { simulations: [{ messages: [{ role: 'tool' }] }] },
      [{ traj: [{ role: 'assistant', tool_calls: [null, { function: 3 }] }] }],
      { resourceSpans: [{ scopeSpans: [{ spans: [null, { attributes: [{ key: 'gen_ai.operation.name', value: { stringValue: 'chat' } }, { key: 'gen_ai.input.messages', value: { stringValue: '[1,{"role":"user","parts":[null]}]' } }] }] }] }] },
    ];
    for (const shape of shapes) {
      for (const format of ['auto', ...IMPORT_FORMATS] as const) {
        expect(() => importOrImportError(() => importContent('w.json', JSON.stringify(shape), { tenantId: 't', format }))).not.toThrow();
      }
    }
  });
});
