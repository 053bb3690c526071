import { createRedactor, rulesForTenant, type RedactionRules, type Redactor } from '@reverie/redaction';

/** One compiled redactor per tenant (its own rules, else the `*` rules, else the defaults), built on first use. */
export class TenantRedactors {
  private readonly cache = new Map<string, Redactor>();

  constructor(private readonly rules: Record<string, RedactionRules>) {}

  for(tenantId: string): Redactor {
    let redactor = this.cache.get(tenantId);
    if (!redactor) {
      redactor = createRedactor(rulesForTenant(this.rules, tenantId));
      this.cache.set(tenantId, redactor);
    }
    return redactor;
  }
}
