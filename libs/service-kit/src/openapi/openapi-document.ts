import { RequestMethod } from '@nestjs/common';
import type { z } from 'zod';
import { HTTP_CODE_METADATA } from '@nestjs/common/constants';
import { API_KEY_HEADER } from '@reverie/contracts';
import type { DeclaredRoute } from '../auth/route-policies';
import { PROBLEM_CONTENT_TYPE } from '../http/problem-details.filter';
import { apiOperationOf, isZodSchema, type ApiOperationSpec, type ApiResponseSpec } from './api-operation';
import { problemDetailsSchema } from './problem-details.schema';
import { jsonSchemaOf, type JsonSchema } from './zod-json-schema';

export type OpenApiDocument = JsonSchema & { openapi: string; paths: Record<string, Record<string, JsonSchema>> };

/** The version of the APIs the documents describe: their paths' `/v1`. */
export const API_VERSION = 'v1';

const METHOD_ORDER = ['get', 'put', 'post', 'patch', 'delete'];
const problem = (description: string) => ({ description, content: { [PROBLEM_CONTENT_TYPE]: { schema: { $ref: '#/components/schemas/ProblemDetails' } } } });

/**
 * The OpenAPI 3.1 document of a service: one operation per route that carries `@ApiOperation`,
 * with its method and path as Nest registers them, the roles of its `@Allow` as the security
 * requirement, and parameters and bodies from the zod schemas the handlers parse them with.
 */
export function buildOpenApiDocument(service: string, routes: DeclaredRoute[]): OpenApiDocument {
  const schemas: Record<string, JsonSchema> = {};
  const paths: Record<string, Record<string, JsonSchema>> = {};
  const tags = new Set<string>();
  for (const route of routes) {
    const spec = apiOperationOf(route.handlerFn);
    if (!spec) continue;
    const method = RequestMethod[route.method]?.toLowerCase();
    if (!method || !METHOD_ORDER.includes(method)) throw new Error(`${route.controller}.${route.handler}: ${RequestMethod[route.method]} routes cannot be documented`);
    const path = route.path.replace(/:(\w+)/g, '{$1}');
    const tag = route.controller.replace(/Controller$/, '');
    tags.add(tag);
    (paths[path] ??= {})[method] = operation(route, spec, tag, method, schemas);
  }
  const sortedPaths = Object.fromEntries(Object.keys(paths).sort().map((p) => [p, Object.fromEntries(METHOD_ORDER.filter((m) => paths[p][m]).map((m) => [m, paths[p][m]]))]));
  return {
    openapi: '3.1.1',
    info: {
      title: `Reverie ${service}`,
      version: API_VERSION,
      description: [
        `The HTTP API of Reverie's ${service} service.`,
        `Every operation but the public ones needs a credential: an API key in \`${API_KEY_HEADER}\` (or as \`Authorization: Bearer <key>\`), or a person's OIDC token as a bearer token.`,
        'The roles listed in an operation\'s security requirement are alternatives: the credential needs one of them.',
        'Errors are RFC 9457 problem details (`application/problem+json`). Requests are rate limited per credential (429 with `Retry-After`).',
      ].join(' '),
    },
    tags: [...tags].sort().map((name) => ({ name })),
    paths: sortedPaths,
    components: {
      securitySchemes: {
        apiKey: { type: 'apiKey', in: 'header', name: API_KEY_HEADER, description: 'An API key: `rvk_…` from `reverie keys create`, or an operator key of REVERIE_API_KEYS' },
        bearer: { type: 'http', scheme: 'bearer', description: 'An API key as a bearer token, or an OIDC JWT of the configured issuer (REVERIE_OIDC_ISSUER)' },
      },
      schemas: { ProblemDetails: jsonSchemaOf(problemDetailsSchema, 'output', schemas, 'ProblemDetails'), ...sortKeys(schemas) },
      responses: {
        BadRequest: problem('The request is invalid: `detail` names every bad field'),
        Unauthorized: { ...problem('No credential, or one that is not valid'), headers: { 'WWW-Authenticate': { schema: { type: 'string' } } } },
        Forbidden: problem('The credential has none of the roles the operation allows'),
        TooManyRequests: { ...problem('Over the rate limit of the credential (or of the client address without one)'), headers: { 'Retry-After': { description: 'Seconds to wait', schema: { type: 'integer' } } } },
      },
    },
  };
}

function operation(route: DeclaredRoute, spec: ApiOperationSpec, tag: string, method: string, schemas: Record<string, JsonSchema>): JsonSchema {
  const id = `${tag}.${route.handler}`;
  const roles = route.policy && 'roles' in route.policy ? [...route.policy.roles] : undefined;
  const pathNames = [...route.path.matchAll(/:(\w+)/g)].map(([, name]) => name);
  const strays = Object.keys(spec.params ?? {}).filter((name) => !pathNames.includes(name));
  if (strays.length) throw new Error(`${id}: @ApiOperation names parameters that are not in ${route.path}: ${strays.join(', ')}`);
  const parameters = [
    ...pathNames.map((name) => parameter(name, 'path', true, spec.params?.[name], schemas, `${id}.${name}`)),
    ...queryParameters(spec, schemas, id),
    ...Object.entries(spec.headers ?? {}).map(([name, description]) => ({ name, in: 'header', required: false, description, schema: { type: 'string' } })),
  ];
  // A path parameter without a schema is any string: only what the handler parses can be refused (400).
  const parses = Object.keys(spec.params ?? {}).length > 0 || spec.query !== undefined || spec.body !== undefined;
  const status = spec.response.status ?? (Reflect.getMetadata(HTTP_CODE_METADATA, route.handlerFn) as number | undefined) ?? (method === 'post' ? 201 : 200);
  const responses: Record<string, unknown> = {
    [status]: response(spec.response, schemas, id),
    ...Object.fromEntries(Object.entries(spec.responses ?? {}).map(([s, r]) => [s, response(r, schemas, `${id}.${s}`)])),
    ...(parses && { 400: { $ref: '#/components/responses/BadRequest' } }),
    ...(roles && { 401: { $ref: '#/components/responses/Unauthorized' }, 403: { $ref: '#/components/responses/Forbidden' } }),
    ...Object.fromEntries(Object.entries(spec.errors ?? {}).map(([s, why]) => [s, problem(why)])),
    429: { $ref: '#/components/responses/TooManyRequests' },
  };
  return {
    operationId: id,
    tags: [tag],
    summary: spec.summary,
    description: [spec.description, roles ? `Roles: ${roles.join(', ')} (any one).` : 'Public: no credential needed.'].filter(Boolean).join('\n\n'),
    ...(parameters.length > 0 && { parameters }),
    ...(spec.body !== undefined && { requestBody: requestBody(spec.body, schemas, id) }),
    responses: Object.fromEntries(Object.entries(responses).sort(([a], [b]) => Number(a) - Number(b))),
    security: roles ? [{ apiKey: roles }, { bearer: roles }] : [],
    ...(roles && { 'x-reverie-roles': roles }),
  };
}

function parameter(name: string, where: 'path' | 'query', required: boolean, schema: JsonSchema | z.ZodType | undefined, schemas: Record<string, JsonSchema>, prefix: string) {
  const json = schema === undefined ? { type: 'string' } : isZodSchema(schema) ? jsonSchemaOf(schema, 'input', schemas, prefix) : schema;
  const { description, ...rest } = json;
  return { name, in: where, required, ...(typeof description === 'string' && { description }), schema: rest };
}

function queryParameters(spec: ApiOperationSpec, schemas: Record<string, JsonSchema>, id: string) {
  if (!spec.query) return [];
  const object = jsonSchemaOf(spec.query, 'input', schemas, id);
  if (object.type !== 'object' || !object.properties) throw new Error(`${id}: the query schema must be an object`);
  const required = new Set((object.required as string[] | undefined) ?? []);
  return Object.entries(object.properties as Record<string, JsonSchema>).map(([name, s]) => parameter(name, 'query', required.has(name), s, schemas, id));
}

function requestBody(body: NonNullable<ApiOperationSpec['body']>, schemas: Record<string, JsonSchema>, id: string) {
  if (!isZodSchema(body)) return { required: true, description: body.description, content: { 'application/json': {} } };
  // parseRequest reads a missing body as `{}`.
  return { required: !body.safeParse({}).success, content: { 'application/json': { schema: jsonSchemaOf(body, 'input', schemas, `${id}.body`) } } };
}

function response(spec: ApiResponseSpec, schemas: Record<string, JsonSchema>, id: string) {
  return {
    description: spec.description,
    ...(spec.headers && { headers: Object.fromEntries(Object.entries(spec.headers).map(([name, description]) => [name, { description, schema: { type: 'string' } }])) }),
    ...(spec.schema ? { content: { 'application/json': { schema: jsonSchemaOf(spec.schema, 'output', schemas, `${id}.response`) } } } : { content: { 'application/json': {} } }),
  };
}

const sortKeys = <T>(o: Record<string, T>): Record<string, T> => Object.fromEntries(Object.entries(o).sort(([a], [b]) => a.localeCompare(b)));
