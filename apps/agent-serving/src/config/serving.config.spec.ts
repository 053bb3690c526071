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
});
