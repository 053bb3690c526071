import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { STATUS_CODES } from 'node:http';
import type { Logger } from 'pino';

/** RFC 9457 problem details, as every service answers errors. */
export interface ProblemDetails {
  type: string;
  title: string;
  status: number;
  detail?: string;
  [extension: string]: unknown;
}

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

/** Seconds a client is told to wait after a 503. */
export const RETRY_AFTER_UNAVAILABLE_SECONDS = 2;

/**
 * Answers every error as application/problem+json. HttpExceptions keep their status and message
 * (a response object may add `type` and extension members); anything else is a 500 whose detail
 * says nothing about internals. Stack traces go to the log only.
 */
@Catch()
export class ProblemDetailsFilter implements ExceptionFilter {
  constructor(private readonly logger?: Logger) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    if (host.getType() !== 'http') throw exception;
    const http = host.switchToHttp();
    const reply = http.getResponse<FastifyReply>();
    const request = http.getRequest<FastifyRequest>();
    const problem = toProblem(exception);
    if (problem.status >= 500) {
      this.logger?.error({ err: exception, method: request.method, url: request.url }, 'request failed');
    }
    if (problem.status === 401) void reply.header('www-authenticate', 'Bearer');
    // A dependency away (the event log full or restarting, Postgres down): when to try again.
    if (problem.status === 503 && !reply.hasHeader('retry-after')) void reply.header('retry-after', String(RETRY_AFTER_UNAVAILABLE_SECONDS));
    void reply.status(problem.status).header('content-type', PROBLEM_CONTENT_TYPE).send(JSON.stringify(problem));
  }
}

export function toProblem(exception: unknown): ProblemDetails {
  if (!(exception instanceof HttpException)) {
    return { type: 'about:blank', title: 'Internal Server Error', status: 500, detail: 'An unexpected error occurred.' };
  }
  const status = exception.getStatus();
  const title = STATUS_CODES[status] ?? 'Error';
  const body = exception.getResponse();
  if (typeof body === 'string') return { type: 'about:blank', title, status, detail: body };
  const { message, error: _error, statusCode: _statusCode, type, title: ownTitle, detail, ...extensions } = body as Record<string, unknown>;
  const text = typeof detail === 'string' ? detail : Array.isArray(message) ? message.join('; ') : typeof message === 'string' ? message : undefined;
  return {
    ...extensions,
    type: typeof type === 'string' ? type : 'about:blank',
    title: typeof ownTitle === 'string' ? ownTitle : title,
    status,
    ...(text !== undefined && { detail: text }),
  };
}
