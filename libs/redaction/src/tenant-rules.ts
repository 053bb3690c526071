import { SUBJECT_TOKEN } from '@reverie/contracts';
import { createRedactor } from './redactor';
import { RedactionRulesError, type RedactionRules } from './redaction.types';

/** Key of the rules that apply to every tenant without an entry of its own. */
export const DEFAULT_TENANT_KEY = '*';

/**
 * Per-tenant redaction rules, e.g. from the REVERIE_REDACTION_RULES environment variable:
 * `{"acme": {"disabled": ["ip_address"], "custom": [{"kind": "acme_id", "pattern": "ACME-\\d{8}"}]}, "*": {...}}`.
 * Accepts the JSON text or the parsed value; every rule set is compiled here, so a bad pattern
 * fails at start-up with an error naming the tenant and the rule.
 */
export function parseTenantRedactionRules(json: unknown): Record<string, RedactionRules> {
  let value = json;
  if (typeof json === 'string') {
    try {
      value = JSON.parse(json);
    } catch (e) {
      throw new RedactionRulesError(`redaction rules: not valid JSON: ${(e as Error).message}`);
    }
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new RedactionRulesError(`redaction rules: expected an object keyed by tenant id, received ${Array.isArray(value) ? 'array' : value === null ? 'null' : typeof value}`);
  }
  const out: Record<string, RedactionRules> = {};
  for (const [tenant, rules] of Object.entries(value)) {
    if (tenant !== DEFAULT_TENANT_KEY && !SUBJECT_TOKEN.test(tenant)) {
      throw new RedactionRulesError(`redaction rules: '${tenant}' is not a tenant id (1-128 characters of A-Z a-z 0-9 _ -) or '*'`);
    }
    if (rules === null || typeof rules !== 'object' || Array.isArray(rules)) {
      throw new RedactionRulesError(`redaction rules for tenant '${tenant}': expected an object { disabled?, custom?, allowlist? }`);
    }
    const unknownKeys = Object.keys(rules).filter((k) => !['disabled', 'custom', 'allowlist'].includes(k));
    if (unknownKeys.length > 0) {
      throw new RedactionRulesError(`redaction rules for tenant '${tenant}': unknown field(s) ${unknownKeys.join(', ')}; expected disabled, custom, allowlist`);
    }
    try {
      createRedactor(rules as RedactionRules);
    } catch (e) {
      throw new RedactionRulesError(`redaction rules for tenant '${tenant}': ${(e as Error).message}`);
    }
    Object.defineProperty(out, tenant, { value: rules, enumerable: true, writable: true, configurable: true });
  }
  return out;
}

/** The rules for one tenant: its own entry, else the `*` entry, else none. */
export function rulesForTenant(all: Record<string, RedactionRules>, tenantId: string): RedactionRules {
  return (Object.prototype.hasOwnProperty.call(all, tenantId) ? all[tenantId] : all[DEFAULT_TENANT_KEY]) ?? {};
}
