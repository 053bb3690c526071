import { importAnthropic } from './anthropic.importer';
import { importClaudeCode } from './claude-code.importer';
import { sniffFormat } from './detect-format';
import { ImportError } from './import.error';
import { importContext, type ImportContext } from './import.context';
import { IMPORT_FORMATS, type FormatImport, type ImportFormat, type ImportOptions, type ImportResult } from './import.types';
import { importOpenAi } from './openai.importer';
import { collectSpans, importOtelContent, importOtelSpans } from './otel.importer';
import { importMiniSweAgent } from './mini-swe-agent.importer';
import { importSpecStory } from './specstory.importer';
import { importSweAgent } from './swe-agent.importer';
import { importTauBench } from './tau-bench.importer';
import { importTau2 } from './tau2.importer';
import { tryParseJson } from './import.util';

const JSON_IMPORTERS: Record<Exclude<ImportFormat, 'claude-code' | 'otel' | 'specstory' | 'mini-swe-agent'>, (ctx: ImportContext, value: unknown) => FormatImport> = {
  anthropic: importAnthropic,
  openai: importOpenAi,
  'tau-bench': importTauBench,
  tau2: importTau2,
  'swe-agent': importSweAgent,
};

/**
 * Import one file's content. Bad lines or items become `rejected` entries while the rest is
 * imported; an ImportError is thrown when the format is unknown or cannot be detected, or the
 * file cannot be read as that format at all.
 */
export function importContent(fileName: string, content: string, options: ImportOptions): ImportResult {
  if (typeof content !== 'string' || !content.trim()) throw new ImportError(fileName, 'the file is empty');
  const requested = options.format && options.format !== 'auto' ? options.format : undefined;
  if (requested && !IMPORT_FORMATS.includes(requested)) {
    throw new ImportError(fileName, `unknown format "${requested}"; expected one of ${IMPORT_FORMATS.join(', ')}`);
  }
  const sniffed = requested ? undefined : sniffFormat(fileName, content);
  const format = requested ?? sniffed?.format;
  if (!format) {
    throw new ImportError(fileName, `cannot detect the format; expected one of ${IMPORT_FORMATS.join(', ')} (pass format explicitly)`);
  }
  const ctx = importContext(fileName, format, options);
  if (format === 'claude-code') return { format, ...importClaudeCode(ctx, content, options.lineOwners) };
  if (format === 'otel') return { format, ...importOtelContent(ctx, content) };
  if (format === 'specstory') return { format, ...importSpecStory(ctx, content) };
  let value = sniffed?.value;
  if (value === undefined) {
    const parsed = tryParseJson(content);
    if (!parsed.ok) throw new ImportError(fileName, `not valid JSON for format ${format}: ${parsed.error}`);
    value = parsed.value;
  }
  if (format === 'mini-swe-agent') return { format, ...importMiniSweAgent(ctx, value, options.outcomes) };
  return { format, ...JSON_IMPORTERS[format](ctx, value) };
}

/** An OTLP/JSON trace export (as received by the HTTP endpoint) into session events. */
export function parseOtlpTraces(body: unknown, options: ImportOptions): ImportResult {
  const source = 'otlp';
  let value = body;
  if (typeof body === 'string') {
    const parsed = tryParseJson(body);
    if (!parsed.ok) throw new ImportError(source, `not valid JSON: ${parsed.error}`);
    value = parsed.value;
  }
  const spans = collectSpans(value);
  if (!spans) throw new ImportError(source, 'not an OTLP/JSON trace export: expected resourceSpans[].scopeSpans[].spans[]');
  const ctx = importContext(source, 'otel', options);
  return { format: 'otel', ...importOtelSpans(ctx, spans) };
}
