import type { Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { declaredRoutes } from '../auth/route-policies';
import { buildOpenApiDocument, type OpenApiDocument } from './openapi-document';

/**
 * The OpenAPI document of an app's module tree without starting it: Nest's preview mode reads the
 * modules and controllers and instantiates nothing (no NATS, no Postgres). The same document the
 * running app serves at /openapi.json.
 */
export async function previewApiDocument(service: string, module: Type<unknown>): Promise<OpenApiDocument> {
  const context = await NestFactory.createApplicationContext(module, { preview: true, logger: false, abortOnError: false });
  try {
    return buildOpenApiDocument(service, declaredRoutes(context));
  } finally {
    await context.close();
  }
}
