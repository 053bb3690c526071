import { ConfigError } from '@reverie/service-kit';
import { loadGovernanceConfig } from './governance.config';

describe('lesson-governance configuration', () => {
  it('defaults: port 4103, 3 decision retries, no default tenant', () => {
    expect(loadGovernanceConfig({})).toMatchObject({ PORT: 4103, GOVERNANCE_DECISION_RETRIES: 3 });
    expect(loadGovernanceConfig({}).REVERIE_DEFAULT_TENANT).toBeUndefined();
  });

  it('reads the service variables', () => {
    expect(loadGovernanceConfig({ REVERIE_DEFAULT_TENANT: 'default', GOVERNANCE_DECISION_RETRIES: '0' })).toMatchObject({ REVERIE_DEFAULT_TENANT: 'default', GOVERNANCE_DECISION_RETRIES: 0 });
  });

  it('fails naming each wrong variable', () => {
    let error: unknown;
    try {
      loadGovernanceConfig({ REVERIE_DEFAULT_TENANT: 'a.b', GOVERNANCE_DECISION_RETRIES: 'many' });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems.map((p) => p.variable).sort()).toEqual(['GOVERNANCE_DECISION_RETRIES', 'REVERIE_DEFAULT_TENANT']);
  });
});
