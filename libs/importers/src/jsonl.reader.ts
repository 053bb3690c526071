import type { ImportRejection } from './import.types';
import { isRecord, type Json } from './import.util';

export interface JsonlLine {
  line: number;
  value: Json;
}

/** Parse JSON Lines: every good object line is kept, every bad line becomes a rejection naming its number. */
export function readJsonl(file: string, content: string): { lines: JsonlLine[]; rejected: ImportRejection[]; nonEmpty: number } {
  const lines: JsonlLine[] = [];
  const rejected: ImportRejection[] = [];
  let nonEmpty = 0;
  const raw = content.split('\n');
  raw.forEach((text, i) => {
    const trimmed = text.trim();
    if (!trimmed) return;
    nonEmpty++;
    try {
      const value: unknown = JSON.parse(trimmed);
      if (isRecord(value)) lines.push({ line: i + 1, value });
      else rejected.push({ file, line: i + 1, reason: 'line is JSON but not an object' });
    } catch (e) {
      const truncated = i === raw.length - 1 || i === raw.length - 2 ? ' (truncated last line?)' : '';
      rejected.push({ file, line: i + 1, reason: `not valid JSON${truncated}: ${(e as Error).message}` });
    }
  });
  return { lines, rejected, nonEmpty };
}
