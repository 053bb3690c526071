import { ConfigError } from '@reverie/service-kit';
import { loadServingConfig } from './serving.config';

describe('agent-serving configuration', () => {
  it('defaults to port 4104 and no default tenant', () => {
    const config = loadServingConfig({});
    expect(config.PORT).toBe(4104);
    expect(config.REVERIE_DEFAULT_TENANT).toBeUndefined();
  });

  it('fails naming a default tenant that is not a subject token', () => {
    expect(() => loadServingConfig({ REVERIE_DEFAULT_TENANT: 'acme corp' })).toThrow(ConfigError);
    expect(() => loadServingConfig({ REVERIE_DEFAULT_TENANT: 'acme corp' })).toThrow(/REVERIE_DEFAULT_TENANT/);
  });
});
