import { SUBJECT_TOKEN, type SessionSource } from '@reverie/contracts';
import { ImportError } from './import.error';
import type { ImportFormat, ImportOptions } from './import.types';
import { SessionBuilder } from './session.builder';
import { toIso, toSubjectToken } from './import.util';

/** Options checked once per file, shared by every format importer. */
export interface ImportContext {
  file: string;
  tenantId: string;
  agentId: string;
  /** The caller named the agent; otherwise an importer may name it more precisely (τ²-bench: per domain). */
  agentNamed: boolean;
  userId?: string;
  now?: string;
}

export function importContext(file: string, format: ImportFormat, options: ImportOptions): ImportContext {
  if (!SUBJECT_TOKEN.test(options.tenantId ?? '')) {
    throw new ImportError(file, `tenantId "${options.tenantId}" must be 1-128 characters of A-Z a-z 0-9 _ -`);
  }
  const agentId = options.agentId ?? format;
  if (!SUBJECT_TOKEN.test(agentId)) {
    throw new ImportError(file, `agentId "${agentId}" must be 1-128 characters of A-Z a-z 0-9 _ -`);
  }
  if (options.now !== undefined && !toIso(options.now)) {
    throw new ImportError(file, `now "${options.now}" is not an ISO date-time`);
  }
  if (options.userId !== undefined && (options.userId.length < 1 || options.userId.length > 256)) {
    throw new ImportError(file, 'userId must be 1-256 characters');
  }
  return { file, tenantId: options.tenantId, agentId, agentNamed: options.agentId !== undefined, userId: options.userId, now: options.now };
}

export function newSession(ctx: ImportContext, source: SessionSource, nativeSessionId: string, userId?: string): SessionBuilder {
  return new SessionBuilder({
    tenantId: ctx.tenantId,
    source,
    sessionId: toSubjectToken(nativeSessionId),
    agentId: ctx.agentId,
    userId: ctx.userId ?? userId,
    now: ctx.now,
  });
}
