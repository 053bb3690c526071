export * from './api-operation';
export * from './openapi-document';
export * from './api-docs.module';
export * from './preview-api-document';
export * from './problem-details.schema';
