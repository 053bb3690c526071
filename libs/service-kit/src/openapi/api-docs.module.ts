import { type DynamicModule, Module } from '@nestjs/common';
import { API_DOCS_SERVICE, ApiDocsController } from './api-docs.controller';

@Module({})
export class ApiDocsModule {
  /** Serves `GET /openapi.json` and Swagger UI at `GET /docs`. */
  static forRoot(options: { service: string }): DynamicModule {
    return { module: ApiDocsModule, controllers: [ApiDocsController], providers: [{ provide: API_DOCS_SERVICE, useValue: options.service }] };
  }
}
