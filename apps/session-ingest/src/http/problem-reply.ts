import type { FastifyReply } from 'fastify';
import { PROBLEM_CONTENT_TYPE } from '@reverie/service-kit';
import type { ProblemDetails } from '@reverie/ingest-validation';

export function sendProblem(reply: FastifyReply, problem: ProblemDetails): FastifyReply {
  return reply.status(problem.status).header('content-type', PROBLEM_CONTENT_TYPE).send(JSON.stringify(problem));
}
