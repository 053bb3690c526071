/**
 * Operator keys for a test, by name: the `REVERIE_API_KEYS` value to start services with, and
 * each key's token and actor id (`key:env-<position>`, as service-kit's EnvKeyVerifier names an
 * unnamed operator key). Writing the table once keeps the tokens and the audit ids in step.
 */
export function operatorKeys<N extends string>(spec: Record<N, { tenant: string; roles: string }>) {
  const names = Object.keys(spec) as N[];
  const keys = Object.fromEntries(names.map((name, i) => {
    const { tenant, roles } = spec[name];
    return [name, { key: `${tenant}-${name.toLowerCase()}-key-${String(i + 1).padStart(4, '0')}`, tenant, roles, actor: `key:env-${i + 1}` }];
  })) as Record<N, { key: string; tenant: string; roles: string; actor: string }>;
  return { keys, REVERIE_API_KEYS: names.map((n) => `${keys[n].key}:${keys[n].tenant}:${keys[n].roles}`).join(',') };
}
