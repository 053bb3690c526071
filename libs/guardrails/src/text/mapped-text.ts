/**
 * A rewritten copy of a lesson's text that remembers, for each of its UTF-16 units, the span of
 * the original text it came from, so that a rule matching the copy can report the match as the
 * lesson wrote it.
 */
export interface MappedText {
  readonly text: string;
  /** Start (inclusive) in the original text of the span each unit of `text` came from. */
  readonly from: Int32Array;
  /** End (exclusive) in the original text of that span. */
  readonly to: Int32Array;
}

export function identityText(text: string): MappedText {
  const from = new Int32Array(text.length);
  const to = new Int32Array(text.length);
  for (let i = 0; i < text.length; i++) {
    from[i] = i;
    to[i] = i + 1;
  }
  return { text, from, to };
}

/** The original span behind `[start, end)` of `view`. */
export function originalSpan(view: MappedText, start: number, end: number): [number, number] {
  if (end <= start) return [view.from[start] ?? 0, view.from[start] ?? 0];
  return [view.from[start], view.to[end - 1]];
}

/** Builds a MappedText from pieces of a source view, each piece mapped to the source span it replaces. */
export class MappedTextBuilder {
  private readonly parts: string[] = [];
  private from: number[] = [];
  private to: number[] = [];

  constructor(private readonly source: MappedText) {}

  /** Copies `[start, end)` of the source unchanged. */
  copy(start: number, end: number): void {
    if (end <= start) return;
    this.parts.push(this.source.text.slice(start, end));
    for (let i = start; i < end; i++) {
      this.from.push(this.source.from[i]);
      this.to.push(this.source.to[i]);
    }
  }

  /** Writes `text` in place of `[start, end)` of the source (an empty span maps to the position `start`). */
  replace(start: number, end: number, text: string): void {
    if (text.length === 0) return;
    const [a, b] = end > start ? [this.source.from[start], this.source.to[end - 1]] : [this.source.from[start] ?? 0, this.source.from[start] ?? 0];
    this.parts.push(text);
    for (let i = 0; i < text.length; i++) {
      this.from.push(a);
      this.to.push(b);
    }
  }

  build(): MappedText {
    const text = this.parts.join('');
    const built = { text, from: Int32Array.from(this.from), to: Int32Array.from(this.to) };
    this.from = [];
    this.to = [];
    return built;
  }
}

/**
 * Rewrites every match of `pattern` (global) in `view` with `replacement`'s result (null keeps
 * the match), mapping each replacement to the span it replaced.
 */
export function rewrite(view: MappedText, pattern: RegExp, replacement: (match: RegExpExecArray) => string | null): MappedText {
  const b = new MappedTextBuilder(view);
  let last = 0;
  let changed = false;
  pattern.lastIndex = 0;
  for (let m = pattern.exec(view.text); m !== null; m = pattern.exec(view.text)) {
    if (m[0].length === 0) {
      pattern.lastIndex++;
      continue;
    }
    const out = replacement(m);
    if (out === null || out === m[0]) continue;
    b.copy(last, m.index);
    b.replace(m.index, m.index + m[0].length, out);
    last = m.index + m[0].length;
    changed = true;
  }
  if (!changed) return view;
  b.copy(last, view.text.length);
  return b.build();
}
