import { SetMetadata } from '@nestjs/common';
import { z } from 'zod';

export const API_OPERATION = 'reverie:api-operation';

export interface ApiResponseSpec {
  description: string;
  /** The answer's shape, where a zod schema of it exists. */
  schema?: z.ZodType;
  /** Response headers: name → what it carries. */
  headers?: Record<string, string>;
}

/** A JSON body validated by other means than one zod schema (an ingest batch, MCP's JSON-RPC). */
export interface ApiBodyDescription {
  description: string;
}

/**
 * How a route appears in the service's OpenAPI document. Its method, path and roles are not
 * here: they are read from the route's own decorators. The schemas are the very objects the
 * handler parses its request with (`parseRequest(schema, …)`), so the document cannot drift from
 * what is enforced.
 */
export interface ApiOperationSpec {
  summary: string;
  description?: string;
  /** Path parameters, each the schema its handler parses it with; a parameter not listed is any string. */
  params?: Record<string, z.ZodType>;
  /** The query: the object schema the handler parses it with (each property a parameter). */
  query?: z.ZodType;
  /** Request headers the handler reads: name → what it carries. */
  headers?: Record<string, string>;
  body?: z.ZodType | ApiBodyDescription;
  /** The success answer; its status is the route's (@HttpCode, else 201 for POST and 200 for the rest) unless given. */
  response: ApiResponseSpec & { status?: number };
  /** Other success answers, by status (the 207 of a partly rejected batch). */
  responses?: Record<number, ApiResponseSpec>;
  /**
   * Error answers particular to the route (problem+json), status → when. 400 (when the route
   * parses anything), 401 and 403 (when it needs a credential) and 429 are added to every route
   * they apply to.
   */
  errors?: Record<number, string>;
}

/** Describes the route in the OpenAPI document; a route without it is left out of the document. */
export const ApiOperation = (spec: ApiOperationSpec) => SetMetadata(API_OPERATION, spec);

export function apiOperationOf(handler: object): ApiOperationSpec | undefined {
  return Reflect.getMetadata(API_OPERATION, handler) as ApiOperationSpec | undefined;
}

export const isZodSchema = (value: unknown): value is z.ZodType => value instanceof z.ZodType;
