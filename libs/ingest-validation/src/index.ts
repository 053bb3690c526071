export { DEFAULT_INGEST_LIMITS, type IngestLimits } from './limits';
export { problemJson, BatchError, assertBodySize, type ProblemDetails } from './problem-json';
export { checkUtf8, decodeUtf8Strict } from './utf8';
export { depthOf, findJsonProblem, inspectJson, type JsonProblem } from './json-inspect';
export { validateEvent, DEFAULT_SCHEMA_VERSION, type EventRejection, type EventValidation, type ValidationContext } from './validate-event';
export { validateBatch, type BatchValidation } from './validate-batch';
