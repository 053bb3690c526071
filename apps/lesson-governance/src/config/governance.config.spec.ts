import { ConfigError } from '@reverie/service-kit';
import { loadGovernanceConfig } from './governance.config';

describe('lesson-governance configuration', () => {
  it('defaults: port 4103, 3 decision retries, no operator keys', () => {
    expect(loadGovernanceConfig({})).toMatchObject({ PORT: 4103, GOVERNANCE_DECISION_RETRIES: 3 });
    expect(loadGovernanceConfig({}).REVERIE_API_KEYS).toBeUndefined();
  });

  it('reads the service variables; a default tenant is no longer one of them (the tenant is the credential\'s)', () => {
    const config = loadGovernanceConfig({ GOVERNANCE_DECISION_RETRIES: '0', REVERIE_API_KEYS: 'acme-reviewer-key-0001:acme:reviewer', REVERIE_DEFAULT_TENANT: 'default' });
    expect(config).toMatchObject({ GOVERNANCE_DECISION_RETRIES: 0, REVERIE_API_KEYS: 'acme-reviewer-key-0001:acme:reviewer' });
    expect(config).not.toHaveProperty('REVERIE_DEFAULT_TENANT');
  });

  it('fails naming each wrong variable', () => {
    let error: unknown;
    try {
      loadGovernanceConfig({ GOVERNANCE_DECISION_RETRIES: 'many', PORT: 'eighty' });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems.map((p) => p.variable).sort()).toEqual(['GOVERNANCE_DECISION_RETRIES', 'PORT']);
  });
});
