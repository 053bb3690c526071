import { z } from 'zod';
import { parseTenantRedactionRules, type RedactionRules } from '@reverie/redaction';
import { DEFAULT_INGEST_LIMITS, type IngestLimits } from '@reverie/ingest-validation';
import { commonConfigSchema, EnvKeyVerifier, loadConfig, perTenantNumbers } from '@reverie/service-kit';
import { MIN_DEPLOYMENT_KEY_CHARS } from './pseudonym-keys';

export const SERVICE = 'session-ingest' as const;
/** Queue group of the NATS ingest subscription, so replicas share the requests. */
export const NATS_QUEUE_GROUP = SERVICE;

const positiveInt = (what: string) =>
  z.coerce.number({ error: `expected ${what}` }).int(`expected a whole number of ${what}`).positive(`expected a positive number of ${what}`);

export const ingestConfigSchema = commonConfigSchema(SERVICE).extend({
  /**
   * Operator keys, `key:tenant[:role+role],…` (an entry without roles is an `ingest` key): the
   * common string, checked here so that a bad entry fails start-up naming it (never its key).
   * Keys minted through the admin API live in Postgres; none here is fine.
   */
  REVERIE_API_KEYS: commonConfigSchema(SERVICE).shape.REVERIE_API_KEYS.superRefine((spec, ctx) => {
    try {
      EnvKeyVerifier.parse(spec);
    } catch (err) {
      ctx.addIssue({ code: 'custom', message: `expected <key>:<tenant>[:<role>+<role>][,...]: ${(err as Error).message}` });
    }
  }),
  /** Per-tenant redaction rules as JSON, e.g. `{"acme":{"disabled":["ip_address"]},"*":{...}}`. */
  REVERIE_REDACTION_RULES: z
    .string()
    .optional()
    .transform((json, ctx): Record<string, RedactionRules> => {
      if (json === undefined) return {};
      try {
        return parseTenantRedactionRules(json);
      } catch (err) {
        ctx.addIssue({ code: 'custom', message: (err as Error).message });
        return z.NEVER;
      }
    }),
  INGEST_MAX_BODY_BYTES: positiveInt('bytes').default(DEFAULT_INGEST_LIMITS.maxBodyBytes),
  INGEST_MAX_BATCH_EVENTS: positiveInt('events').default(DEFAULT_INGEST_LIMITS.maxBatchEvents),
  INGEST_MAX_EVENT_BYTES: positiveInt('bytes').default(DEFAULT_INGEST_LIMITS.maxEventBytes),
  INGEST_MAX_DEPTH: positiveInt('levels').max(1000, 'expected at most 1000 levels').default(DEFAULT_INGEST_LIMITS.maxDepth),
  /** JetStream publishes awaiting their acknowledgement, per request. */
  INGEST_PUBLISH_MAX_IN_FLIGHT: positiveInt('messages').max(10_000, 'expected at most 10000 messages').default(1000),
  /**
   * The deployment secret pseudonyms are keyed with (see pseudonym-keys.ts): required in
   * production, a fixed development key otherwise. Never logged (the name contains KEY).
   */
  REVERIE_PSEUDONYM_KEY: z.string().min(MIN_DEPLOYMENT_KEY_CHARS, `expected at least ${MIN_DEPLOYMENT_KEY_CHARS} characters (e.g. \`openssl rand -hex 32\`)`).optional(),
  /**
   * Seal session content before it reaches the log (crypto-shredding). `false` exists to measure
   * its cost (bench/ingest --compare-sealing); production refuses it.
   */
  INGEST_SEAL_CONTENT: z.enum(['true', 'false'], { error: 'expected true or false' }).default('true').transform((v) => v === 'true'),
  /**
   * Retention of session content per tenant: `acme:90,*:365` (days; `*` for every other tenant;
   * unset: kept until erased). Older sessions are erased as an admin's erasure would.
   */
  REVERIE_RETENTION_DAYS: perTenantNumbers('acme:90,*:365'),
  /** How often the retention job looks for sessions past their tenant's retention. */
  REVERIE_RETENTION_CHECK_SECONDS: z.coerce.number({ error: 'expected seconds' }).min(0).default(3600),
  /** Only `production` matters here: it makes REVERIE_PSEUDONYM_KEY required. */
  NODE_ENV: z.string().optional(),
}).superRefine((config, ctx) => {
  // Production is NODE_ENV=production, or REVERIE_PRODUCTION=true where the common schema declares that switch.
  const why = config.NODE_ENV === 'production' ? 'NODE_ENV=production' : (config as { REVERIE_PRODUCTION?: unknown }).REVERIE_PRODUCTION === true ? 'REVERIE_PRODUCTION=true' : undefined;
  if (why && !config.INGEST_SEAL_CONTENT) {
    ctx.addIssue({ code: 'custom', path: ['INGEST_SEAL_CONTENT'], message: `must stay true when ${why}: session content is sealed so that erasure can shred it` });
  }
  if (config.REVERIE_PSEUDONYM_KEY !== undefined) return;
  if (why) {
    ctx.addIssue({ code: 'custom', path: ['REVERIE_PSEUDONYM_KEY'], message: `required when ${why}: a secret of at least ${MIN_DEPLOYMENT_KEY_CHARS} characters (e.g. \`openssl rand -hex 32\`) that keys the pseudonyms of user ids` });
  }
});
export type IngestConfig = z.infer<typeof ingestConfigSchema>;

export const loadIngestConfig = (env: NodeJS.ProcessEnv = process.env): IngestConfig => loadConfig(ingestConfigSchema, env);

export const ingestLimits = (config: IngestConfig): IngestLimits => ({
  maxBodyBytes: config.INGEST_MAX_BODY_BYTES,
  maxBatchEvents: config.INGEST_MAX_BATCH_EVENTS,
  maxEventBytes: config.INGEST_MAX_EVENT_BYTES,
  maxDepth: config.INGEST_MAX_DEPTH,
});
