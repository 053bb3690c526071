import { createRedactor, rulesForTenant, type PseudonymKeyProvider, type RedactionRules, type Redactor } from '@reverie/redaction';

/**
 * One compiled redactor per tenant (its own rules, else the `*` rules, else the defaults) with the
 * tenant's pseudonym key, built on first use.
 */
export class TenantRedactors {
  private readonly cache = new Map<string, Redactor>();

  constructor(private readonly rules: Record<string, RedactionRules>, private readonly pseudonymKey: PseudonymKeyProvider) {}

  for(tenantId: string): Redactor {
    let redactor = this.cache.get(tenantId);
    if (!redactor) {
      redactor = createRedactor(rulesForTenant(this.rules, tenantId), { tenantId, pseudonymKey: this.pseudonymKey });
      this.cache.set(tenantId, redactor);
    }
    return redactor;
  }
}
