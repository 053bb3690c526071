import { createReadStream } from 'node:fs';
import { Controller, Get, Inject, NotFoundException, Param, Res } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import type { FastifyReply } from 'fastify';
import { Public } from '../auth/policy';
import { declaredRoutes } from '../auth/route-policies';
import { buildOpenApiDocument, type OpenApiDocument } from './openapi-document';
import { SWAGGER_UI_ASSETS, SWAGGER_UI_INITIALIZER, swaggerUiPage } from './swagger-ui';

export const API_DOCS_SERVICE = Symbol('API_DOCS_SERVICE');

/**
 * The service's OpenAPI document (`GET /openapi.json`) and Swagger UI on it (`GET /docs`), public
 * like /health: they describe the API, they hold no data. The document is built once, from the
 * routes of the running app.
 */
@Controller()
export class ApiDocsController {
  private document?: OpenApiDocument;

  constructor(@Inject(ModuleRef) private readonly moduleRef: ModuleRef, @Inject(API_DOCS_SERVICE) private readonly service: string) {}

  @Get('openapi.json')
  @Public()
  openapi(): OpenApiDocument {
    // declaredRoutes only resolves the Reflector and the ModulesContainer: the module ref can, app-wide.
    const app = { get: <T>(token: unknown) => this.moduleRef.get<T>(token as never, { strict: false }) };
    return (this.document ??= buildOpenApiDocument(this.service, declaredRoutes(app)));
  }

  @Get('docs')
  @Public()
  page(@Res({ passthrough: true }) reply: FastifyReply): string {
    void reply.type('text/html; charset=utf-8');
    return swaggerUiPage(this.service);
  }

  @Get('docs/:asset')
  @Public()
  asset(@Param('asset') name: string, @Res() reply: FastifyReply): FastifyReply {
    if (name === 'swagger-initializer.js') return reply.type('text/javascript; charset=utf-8').send(SWAGGER_UI_INITIALIZER);
    const asset = Object.hasOwn(SWAGGER_UI_ASSETS, name) ? SWAGGER_UI_ASSETS[name] : undefined;
    if (!asset) throw new NotFoundException(`no ${name.slice(0, 100)} in /docs`);
    return reply.type(asset.type).header('cache-control', 'public, max-age=3600').send(createReadStream(asset.file));
  }
}
