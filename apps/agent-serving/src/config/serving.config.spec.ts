import { ConfigError } from '@reverie/service-kit';
import { loadServingConfig } from './serving.config';

describe('agent-serving configuration', () => {
  it('defaults to port 4104 and no operator keys', () => {
    const config = loadServingConfig({});
    expect(config.PORT).toBe(4104);
    expect(config.REVERIE_API_KEYS).toBeUndefined();
  });

  it('reads the operator keys; a default tenant is no longer a variable (the tenant is the credential\'s)', () => {
    const config = loadServingConfig({ REVERIE_API_KEYS: 'acme-agent-key-0001:acme:agent', REVERIE_DEFAULT_TENANT: 'acme' });
    expect(config.REVERIE_API_KEYS).toBe('acme-agent-key-0001:acme:agent');
    expect(config).not.toHaveProperty('REVERIE_DEFAULT_TENANT');
  });

  it('fails naming a wrong variable', () => {
    expect(() => loadServingConfig({ PORT: 'eighty' })).toThrow(ConfigError);
    expect(() => loadServingConfig({ PORT: 'eighty' })).toThrow(/PORT/);
  });

  it('reads per-tenant token budgets and names a malformed one', () => {
    expect(loadServingConfig({ REVERIE_SERVING_BUDGET_TOKENS: 'acme:1500, *:3000' }).REVERIE_SERVING_BUDGET_TOKENS).toEqual({ acme: 1500, '*': 3000 });
    expect(() => loadServingConfig({ REVERIE_SERVING_BUDGET_TOKENS: 'acme:lots' })).toThrow(/REVERIE_SERVING_BUDGET_TOKENS[\s\S]*"acme:lots": expected tenant:value/);
  });
});
