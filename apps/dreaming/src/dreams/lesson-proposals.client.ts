import { RequestError, TimeoutError, type NatsConnection } from '@nats-io/transport-node';
import { lessonProposalReplySchema, type LessonProposalRequest, type LessonProposalResult, type Topology } from '@reverie/contracts';
import { injectTraceContext } from '@reverie/event-store';

export const LESSON_PROPOSAL_TIMEOUT_MS = 10_000;

/**
 * Dreaming's side of `reverie.cmd.lessons.propose.<tenant>`: lesson-governance, the one writer
 * of LESSONS, applies each candidate and answers once the events are stored. A missing or
 * failed answer throws, which fails the dream (a re-run is safe: the event ids derive from it).
 */
export class LessonProposalsClient {
  constructor(
    private readonly nc: NatsConnection,
    private readonly topology: Topology,
    private readonly timeoutMs = LESSON_PROPOSAL_TIMEOUT_MS,
  ) {}

  async propose(tenantId: string, request: LessonProposalRequest): Promise<LessonProposalResult> {
    const { fingerprint } = request.candidate;
    const subject = this.topology.command('lessons.propose', tenantId);
    let data: Uint8Array;
    try {
      ({ data } = await this.nc.request(subject, JSON.stringify(request), { timeout: this.timeoutMs, headers: injectTraceContext() }));
    } catch (err) {
      if (err instanceof TimeoutError) {
        throw new Error(`lesson-governance did not answer the lesson proposal for ${fingerprint} within ${this.timeoutMs / 1000}s: is it running?`);
      }
      if (err instanceof RequestError && err.isNoResponders()) {
        throw new Error(`lesson-governance did not answer the lesson proposal for ${fingerprint}: nothing listens on ${subject}: is it running?`);
      }
      throw err;
    }
    const reply = lessonProposalReplySchema.safeParse(decode(data));
    if (!reply.success) throw new Error(`lesson-governance answered the lesson proposal for ${fingerprint} with something else than a LessonProposalReply: ${reply.error.message.slice(0, 300)}`);
    if (!reply.data.ok) throw new Error(`lesson-governance could not apply the lesson proposal for ${fingerprint}: ${reply.data.error}`);
    return reply.data;
  }
}

function decode(data: Uint8Array): unknown {
  try {
    return JSON.parse(new TextDecoder().decode(data));
  } catch {
    return undefined;
  }
}
