import { Body, Controller, Delete, Get, HttpCode, Module, Param, Post, Query } from '@nestjs/common';
import { z } from 'zod';
import { Allow, Public } from '../auth/policy';
import { parseRequest } from '../http/parse-request';
import { ApiOperation } from './api-operation';
import type { JsonSchema } from './zod-json-schema';
import { previewApiDocument } from './preview-api-document';

const itemId = z.string().regex(/^[a-z]{1,20}$/, 'an item id is 1-20 lowercase letters');
const listQuery = z.object({ limit: z.coerce.number().int().min(1).max(100).default(10), status: z.enum(['open', 'closed']).optional() });
const createBody = z.strictObject({ name: z.string().min(1), by: z.never().optional() });
const patchBody = z.object({ note: z.string().optional() });
type Node = { name: string; children: Node[] };
const tree: z.ZodType<Node> = z.object({ name: z.string(), get children() { return z.array(tree); } });

@Controller('v1/items')
class ItemsController {
  @Get()
  @Allow('reviewer')
  @ApiOperation({ summary: 'List items', query: listQuery, response: { description: 'The items' } })
  list(@Query() query: unknown) { return parseRequest(listQuery, query, 'query'); }

  @Post()
  @Allow('admin', 'approver')
  @HttpCode(202)
  @ApiOperation({ summary: 'Create an item', body: createBody, response: { description: 'Accepted', schema: z.object({ id: z.string() }) }, errors: { 409: 'The name is taken' } })
  create(@Body() body: unknown) { return parseRequest(createBody, body, 'body'); }

  @Get(':id')
  @Public()
  @ApiOperation({ summary: 'One item', params: { id: itemId }, response: { description: 'The item', schema: tree } })
  get(@Param('id') id: string) { return parseRequest(itemId, id, 'params'); }

  @Get(':id/raw')
  @Public()
  @ApiOperation({ summary: 'Raw', response: { description: 'As stored' } })
  raw() { return undefined; }

  @Post(':id/note')
  @Allow('reviewer')
  @ApiOperation({ summary: 'Note', body: patchBody, response: { description: 'Noted' } })
  note(@Body() body: unknown) { return parseRequest(patchBody, body, 'body'); }

  @Delete(':id')
  @Allow('admin')
  remove() { return undefined; }
}

@Module({ controllers: [ItemsController] })
class ItemsModule {}

describe('the OpenAPI document of an app', () => {
  let doc: Awaited<ReturnType<typeof previewApiDocument>>;
  const op = (path: string, method: string) => doc.paths[path][method] as JsonSchema & { parameters?: JsonSchema[]; responses: Record<string, JsonSchema> };

  beforeAll(async () => {
    doc = await previewApiDocument('dreaming', ItemsModule);
  });

  it('has one operation per documented route, with Nest\'s method and path; an undocumented route is left out', () => {
    expect(doc.openapi).toBe('3.1.1');
    expect(Object.fromEntries(Object.entries(doc.paths).map(([p, ops]) => [p, Object.keys(ops)]))).toEqual({
      '/v1/items': ['get', 'post'],
      '/v1/items/{id}': ['get'],
      '/v1/items/{id}/raw': ['get'],
      '/v1/items/{id}/note': ['post'],
    });
  });

  it('requires the roles of @Allow as API key or bearer, and nothing of a public route', () => {
    expect(op('/v1/items', 'post').security).toEqual([{ apiKey: ['admin', 'approver'] }, { bearer: ['admin', 'approver'] }]);
    expect(op('/v1/items', 'post').responses).toMatchObject({ 401: { $ref: '#/components/responses/Unauthorized' }, 403: { $ref: '#/components/responses/Forbidden' } });
    expect(op('/v1/items/{id}', 'get').security).toEqual([]);
    expect(Object.keys(op('/v1/items/{id}', 'get').responses)).toEqual(['200', '400', '429']);
    expect(Object.keys((doc.components as { securitySchemes: object }).securitySchemes)).toEqual(['apiKey', 'bearer']);
  });

  it('takes parameters and bodies from the schemas the handlers parse with', () => {
    expect(op('/v1/items', 'get').parameters).toEqual([
      { name: 'limit', in: 'query', required: false, schema: { type: 'integer', minimum: 1, maximum: 100, default: 10 } },
      { name: 'status', in: 'query', required: false, schema: { type: 'string', enum: ['open', 'closed'] } },
    ]);
    expect(op('/v1/items/{id}', 'get').parameters).toEqual([{ name: 'id', in: 'path', required: true, schema: { type: 'string', pattern: '^[a-z]{1,20}$' } }]);
    // A parameter the handler does not parse is any string, and cannot be refused.
    expect(op('/v1/items/{id}/raw', 'get').parameters).toEqual([{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }]);
    expect(Object.keys(op('/v1/items/{id}/raw', 'get').responses)).toEqual(['200', '429']);
    // The refused field `by` is not offered; a body that parses when absent is optional.
    expect(op('/v1/items', 'post').requestBody).toEqual({
      required: true,
      content: { 'application/json': { schema: { type: 'object', properties: { name: { type: 'string', minLength: 1 } }, required: ['name'], additionalProperties: false } } },
    });
    expect(op('/v1/items/{id}/note', 'post').requestBody).toMatchObject({ required: false });
  });

  it('answers the route\'s status (@HttpCode, 201 for a POST without one), and its errors as problem+json', () => {
    expect(Object.keys(op('/v1/items', 'post').responses)).toEqual(['202', '400', '401', '403', '409', '429']);
    expect(op('/v1/items', 'post').responses[409]).toEqual({ description: 'The name is taken', content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/ProblemDetails' } } } });
    expect(Object.keys(op('/v1/items/{id}/note', 'post').responses)[0]).toBe('201');
    expect(op('/v1/items', 'get').responses[200]).toEqual({ description: 'The items', content: { 'application/json': {} } });
  });

  it('moves a recursive schema to components, since `#` would point at the document', () => {
    expect(op('/v1/items/{id}', 'get').responses[200]).toMatchObject({ content: { 'application/json': { schema: { $ref: '#/components/schemas/Items.get.response' } } } });
    const schemas = (doc.components as { schemas: Record<string, JsonSchema> }).schemas;
    expect(schemas['Items.get.response']).toMatchObject({ properties: { children: { items: { $ref: '#/components/schemas/Items.get.response' } } } });
    expect(JSON.stringify(doc)).not.toMatch(/"\$ref":"#(\/\$defs[^"]*)?"/);
  });
});
