import { HttpException, Inject, Injectable, RequestMethod, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost, ModuleRef } from '@nestjs/core';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { decodeUtf8Strict, problemJson, type ProblemDetails } from '@reverie/ingest-validation';
import { AUTHENTICATOR, AuthError, declaredRoutes, requireRole, setRequestPrincipal, type Authenticator, type RoutePolicy } from '@reverie/service-kit';
import { INGEST_CONFIG, LOGGER } from '../app.tokens';
import type { IngestConfig } from '../config/ingest.config';
import { sendProblem } from './problem-reply';

/**
 * What the service does at the HTTP edge before Nest sees a request, on the Fastify instance:
 * - authenticates every request but those of the routes declared `@Public()`, with the shared
 *   Authenticator, and checks the roles the route `@Allow`s, before its body is read (401 or
 *   403 problem+json); the principal is set on the request for the guard and the handlers. The
 *   route is the one the router matched, not the URL as written: `/%76%31/events` is
 *   `/v1/events` to the router, so it must be to authentication too. The global PolicyGuard
 *   checks the same policy again once Nest has the request;
 * - parses `application/json` itself: the raw bytes are checked for valid UTF-8 before
 *   JSON.parse (Node would otherwise replace bad bytes silently), within the body limit;
 * - refuses other content types (415); every refusal is problem+json naming the limit,
 *   the byte offset or the content type.
 */
@Injectable()
export class HttpEdgeInstaller implements OnModuleInit {
  constructor(
    @Inject(HttpAdapterHost) private readonly adapterHost: HttpAdapterHost,
    @Inject(ModuleRef) private readonly moduleRef: ModuleRef,
    @Inject(AUTHENTICATOR) private readonly authenticator: Authenticator,
    @Inject(INGEST_CONFIG) private readonly config: IngestConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  onModuleInit(): void {
    const fastify = this.adapterHost.httpAdapter.getInstance<FastifyInstance>();
    this.installAuthentication(fastify);
    this.installBodyParsers(fastify);
  }

  /** `METHOD /path` → the policy its handler declares, from the same metadata the guard reads. */
  private routePolicies(): Map<string, RoutePolicy | undefined> {
    // declaredRoutes only resolves the Reflector and the ModulesContainer: the module ref can, app-wide.
    const app = { get: <T>(token: unknown) => this.moduleRef.get<T>(token as never, { strict: false }) };
    return new Map(declaredRoutes(app).map((r) => [`${RequestMethod[r.method]} ${r.path}`, r.policy]));
  }

  private installAuthentication(fastify: FastifyInstance): void {
    const policies = this.routePolicies();
    const policyOf = (request: FastifyRequest, route: string): RoutePolicy | undefined => {
      const method = request.method === 'HEAD' ? 'GET' : request.method;
      return policies.get(`${method} ${route}`) ?? policies.get(`ALL ${route}`);
    };
    fastify.addHook('onRequest', async (request, reply) => {
      // No matched route: the router answers 404 and no handler runs.
      const route = request.routeOptions.url;
      if (route === undefined) return;
      const policy = policyOf(request, route);
      if (policy && 'public' in policy) return;
      try {
        const principal = await this.authenticator.authenticate(request.headers);
        // A route without a policy is refused by the guard (and start-up): only authenticate here.
        if (policy) requireRole(principal, policy.roles);
        setRequestPrincipal(request, principal);
      } catch (err) {
        if (err instanceof AuthError) {
          const status = err.getStatus();
          if (status === 401) void reply.header('www-authenticate', 'Bearer');
          void sendProblem(reply, problemJson(status, status === 401 ? 'Unauthorized' : 'Forbidden', err.message));
        } else {
          this.logger.error({ err, route }, 'credentials could not be checked');
          void sendProblem(reply, problemJson(503, 'Service Unavailable', 'the credential could not be checked now; retry later'));
        }
        return reply;
      }
    });
  }

  /**
   * Only `application/json` is parsed (anything else is a 415). The body is read here rather
   * than by Fastify's parser, so that the limit and the UTF-8 check answer problem+json that
   * names what is wrong.
   */
  private installBodyParsers(fastify: FastifyInstance): void {
    const limit = this.config.INGEST_MAX_BODY_BYTES;
    const tooLarge = (size: string) =>
      refuse(problemJson(413, 'Request body too large', `the body is ${size} bytes; the limit is ${limit} bytes (INGEST_MAX_BODY_BYTES)`, { limit: 'maxBodyBytes', max: limit }));
    fastify.removeAllContentTypeParsers();
    fastify.addContentTypeParser('application/json', (request, payload, done) => {
      const declared = Number(request.headers['content-length']);
      if (declared > limit) {
        payload.resume();
        done(tooLarge(String(declared)), undefined);
        return;
      }
      const chunks: Buffer[] = [];
      let size = 0;
      let settled = false;
      const finish = (err: Error | null, value?: unknown) => {
        if (settled) return;
        settled = true;
        payload.removeListener('data', onData);
        done(err, value);
      };
      const onData = (chunk: Buffer) => {
        size += chunk.length;
        if (size > limit) {
          payload.resume(); // discard the rest
          finish(tooLarge(`more than ${limit}`));
          return;
        }
        chunks.push(chunk);
      };
      payload.on('data', onData);
      payload.on('error', (err) => finish(refuse(problemJson(400, 'Bad Request', `the body could not be read: ${err.message}`))));
      payload.on('end', () => {
        if (settled) return;
        try {
          finish(null, parseJsonBytes(Buffer.concat(chunks, size)));
        } catch (err) {
          finish(err as Error);
        }
      });
    });
    fastify.addContentTypeParser('*', (request, payload, done) => {
      payload.resume();
      const type = request.headers['content-type'] ?? '';
      done(refuse(problemJson(415, 'Unsupported Media Type', `content-type ${JSON.stringify(type)} is not accepted; send application/json (for OTLP: the JSON encoding, not protobuf)`)), undefined);
    });
  }
}

const refuse = (problem: ProblemDetails) => new HttpException(problem, problem.status);

/** Strict UTF-8 first (Buffer#toString would replace bad bytes silently), then JSON. */
export function parseJsonBytes(bytes: Buffer): unknown {
  const utf8 = decodeUtf8Strict(bytes);
  if (!utf8.ok) throw refuse(problemJson(400, 'Invalid UTF-8', `the body is not valid UTF-8: bad byte sequence at byte offset ${utf8.offset}`));
  if (bytes.length === 0) throw refuse(problemJson(400, 'Invalid JSON', 'the body is empty; expected a JSON object'));
  try {
    return JSON.parse(utf8.text);
  } catch (err) {
    throw refuse(problemJson(400, 'Invalid JSON', `the body is not valid JSON: ${(err as Error).message}`));
  }
}
