import { z } from 'zod';

/** A NATS subject token: no dots, spaces or wildcards, so it can stand in `sessions.<tenant>.<id>`. */
export const SUBJECT_TOKEN = /^[A-Za-z0-9_-]{1,128}$/;
export const subjectToken = (what: string) =>
  z.string().regex(SUBJECT_TOKEN, `${what} must be 1-128 characters of A-Z a-z 0-9 _ -`);

export const isoDateTime = z.iso.datetime({ offset: true });

export const actorSchema = z.object({
  kind: z.enum(['agent', 'user', 'service', 'reviewer', 'system']),
  id: z.string().min(1).max(256),
});
export type Actor = z.infer<typeof actorSchema>;

/** What redaction removed from an event: counts per kind, never the values. */
export const redactionCountsSchema = z.record(z.string(), z.number().int().nonnegative());
export type RedactionCounts = z.infer<typeof redactionCountsSchema>;

export const envelopeBaseSchema = z.object({
  id: z.string().min(1).max(200),
  schemaVersion: z.number().int().positive(),
  tenantId: subjectToken('tenantId'),
  streamId: subjectToken('streamId'),
  occurredAt: isoDateTime,
  recordedAt: isoDateTime,
  actor: actorSchema,
  correlationId: z.string().min(1).max(200),
  causationId: z.string().min(1).max(200).optional(),
  redactions: redactionCountsSchema.optional(),
  /**
   * Who is accountable for a session event: the actor of the verified credential that ingested it
   * and, for an API key with an owner, that owner. Written by session-ingest from the credential,
   * never by the caller; separation of duties keeps these identities from approving lessons
   * whose evidence they supplied.
   */
  ingestedBy: z.array(z.string().min(1).max(256)).min(1).max(4).optional(),
});

/** `{ id, type, schemaVersion, tenantId, streamId, occurredAt, recordedAt, actor, correlationId, causationId, data }` */
export interface Envelope<T extends string = string, D = unknown> {
  id: string;
  type: T;
  schemaVersion: number;
  tenantId: string;
  streamId: string;
  occurredAt: string;
  recordedAt: string;
  actor: Actor;
  correlationId: string;
  causationId?: string;
  redactions?: RedactionCounts;
  ingestedBy?: string[];
  data: D;
}

export function eventSchema<T extends string, D extends z.ZodType>(type: T, data: D) {
  return envelopeBaseSchema.extend({ type: z.literal(type), data });
}
