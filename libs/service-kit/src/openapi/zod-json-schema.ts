import { z } from 'zod';

export type JsonSchema = { [key: string]: unknown };

/**
 * A zod schema as an OpenAPI 3.1 Schema Object (JSON Schema 2020-12), by zod's own
 * `z.toJSONSchema`: `input` for what a request may send (before defaults and transforms),
 * `output` for what an answer holds. In an OpenAPI document `#` and `#/$defs/…` would point into
 * the document itself, so a recursive schema's definitions (and the schema itself, when it refers
 * to itself) move to `components/schemas` under `prefix`. Fields a schema lists only to refuse
 * them (`z.never().optional()`: the decider is the caller, never a name in the body) are left
 * out: a client must not send them.
 */
export function jsonSchemaOf(schema: z.ZodType, io: 'input' | 'output', components: Record<string, JsonSchema>, prefix: string): JsonSchema {
  const { $schema: _dialect, $defs = {}, ...root } = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as JsonSchema & { $defs?: Record<string, JsonSchema> };
  const self = `#/components/schemas/${prefix}`;
  const refs = new Map([['#', self], ...Object.keys($defs).map((k): [string, string] => [`#/$defs/${k}`, `${self}_${k}`])]);
  let selfReferenced = false;
  const rewrite = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(rewrite);
    if (!value || typeof value !== 'object') return value;
    const out: JsonSchema = {};
    for (const [key, v] of Object.entries(value)) {
      if (key === '$ref' && typeof v === 'string') {
        selfReferenced ||= v === '#';
        out[key] = refs.get(v) ?? v;
      } else if (key === 'properties' && v && typeof v === 'object') {
        out[key] = Object.fromEntries(Object.entries(v).filter(([, p]) => !isRefused(p)).map(([k, p]) => [k, rewrite(p)]));
      } else {
        out[key] = rewrite(v);
      }
    }
    return out;
  };
  for (const [key, def] of Object.entries($defs)) components[`${prefix}_${key}`] = rewrite(def) as JsonSchema;
  const converted = rewrite(root) as JsonSchema;
  if (!selfReferenced) return converted;
  components[prefix] = converted;
  return { $ref: self };
}

/** `{ not: {} }`: no value is valid. */
const isRefused = (schema: unknown): boolean => {
  const s = schema as JsonSchema | undefined;
  return !!s && Object.keys(s).length === 1 && typeof s.not === 'object' && s.not !== null && Object.keys(s.not).length === 0;
};
