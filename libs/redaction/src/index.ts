export * from './redaction.types';
export { createRedactor, BUILT_IN_KINDS, IDENTIFIER_FIELDS } from './redactor';
export { parseTenantRedactionRules, rulesForTenant, DEFAULT_TENANT_KEY } from './tenant-rules';
export { passesLuhn } from './luhn';
export { shannonEntropy } from './entropy';
