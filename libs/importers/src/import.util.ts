import { createHash } from 'node:crypto';
import { SUBJECT_TOKEN } from '@reverie/contracts';

export type Json = Record<string, unknown>;

export const isRecord = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

export const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

/** Cut a string to the schema's maximum length, saying that it was cut. */
export function clip(text: string, max: number): string {
  if (text.length <= max) return text;
  const marker = '…[truncated]';
  return text.slice(0, max - marker.length) + marker;
}

const shortHash = (s: string): string => createHash('sha256').update(s).digest('hex').slice(0, 16);

/**
 * A native id made into a NATS subject token: kept as is when it already fits, otherwise the
 * disallowed characters become '-' and a hash of the original keeps distinct ids distinct.
 */
export function toSubjectToken(raw: string): string {
  if (SUBJECT_TOKEN.test(raw)) return raw;
  const cleaned = raw.replace(/[^A-Za-z0-9_-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 100);
  return cleaned ? `${cleaned}-${shortHash(raw)}` : `h-${shortHash(raw)}`;
}

/** The file's base name without directories or known extensions, as subject-token characters. */
export function baseName(fileName: string): string {
  const last = fileName.split(/[\\/]/).pop() ?? fileName;
  const stem = last.replace(/\.(traj\.json|jsonl|json|traj)$/i, '');
  const slug = stem.replace(/[^A-Za-z0-9_-]+/g, '-').replace(/^-+|-+$/g, '');
  return slug.length > 90 ? toSubjectToken(stem) : slug || 'import';
}

const LOCAL_DATETIME = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/;

/**
 * A source timestamp as an ISO string in UTC, or undefined when it is missing or unreadable.
 * Accepts ISO strings (a missing offset means UTC, never the machine's zone), epoch seconds,
 * milliseconds and OTLP nanosecond strings.
 */
export function toIso(value: unknown): string | undefined {
  let ms: number | undefined;
  if (typeof value === 'number' && Number.isFinite(value)) {
    ms = value > 1e17 ? value / 1e6 : value > 1e11 ? value : value * 1000;
  } else if (typeof value === 'string' && value.trim()) {
    const s = value.trim();
    if (/^\d+$/.test(s)) return toIso(s.length > 15 ? Number(BigInt(s) / 1_000_000n) : Number(s));
    ms = Date.parse(LOCAL_DATETIME.test(s) ? `${s.replace(' ', 'T')}Z` : s);
  }
  if (ms === undefined || !Number.isFinite(ms) || ms <= 0) return undefined;
  const d = new Date(ms);
  return Number.isNaN(d.getTime()) ? undefined : d.toISOString();
}

/** Parse a JSON string, or undefined when it is not JSON. */
export function tryParseJson(text: string): { ok: true; value: unknown } | { ok: false; error: string } {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (e) {
    return { ok: false, error: (e as Error).message };
  }
}

/** Text of a value that may be a string, a list of text blocks, or anything else (as JSON). */
export function textOf(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) {
    return value
      .map((b) => (typeof b === 'string' ? b : isRecord(b) && typeof b['text'] === 'string' ? b['text'] : isRecord(b) && b['type'] === 'image' ? '[image]' : JSON.stringify(b)))
      .join('\n');
  }
  return JSON.stringify(value);
}
