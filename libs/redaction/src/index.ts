export * from './redaction.types';
export { createRedactor, pseudonymFor, BUILT_IN_KINDS, IDENTIFIER_FIELDS, MIN_PSEUDONYM_KEY_BYTES } from './redactor';
export { parseTenantRedactionRules, rulesForTenant, DEFAULT_TENANT_KEY } from './tenant-rules';
export { passesLuhn } from './luhn';
export { shannonEntropy } from './entropy';
