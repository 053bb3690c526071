export type { ImportFormat, ImportOptions, ImportedSession, ImportRejection, ImportResult, ImportStats, KnownOutcome } from './import.types';
export { IMPORT_FORMATS } from './import.types';
export { ImportError } from './import.error';
export { detectFormat } from './detect-format';
export { importContent, parseOtlpTraces } from './import-content';
export { readSweBenchReport, type SweBenchReport } from './mini-swe-agent.importer';
export { indexClaudeCodeLines } from './claude-code.importer';
export { importManagedAgentsSession, isFinished, type ManagedAgentsEvent, type ManagedAgentsSession } from './managed-agents.importer';
