import { createHash } from 'node:crypto';
import { diffWords } from 'diff';

/** What an approval binds to: the SHA-256 (hex) of a text version, exactly as written. */
export const textHashOf = (text: string): string => createHash('sha256').update(text, 'utf8').digest('hex');

/** Word diff for the audit: unchanged words as they are, `[-removed-]` and `{+added+}` around the changes. */
export function textDiff(before: string, after: string): string {
  return diffWords(before, after)
    .map((part) => (part.added ? `{+${part.value}+}` : part.removed ? `[-${part.value}-]` : part.value))
    .join('');
}
