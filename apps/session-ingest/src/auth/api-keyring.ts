import { createHash, timingSafeEqual } from 'node:crypto';
import { SUBJECT_TOKEN } from '@reverie/contracts';

export const MIN_API_KEY_LENGTH = 16;

const sha256 = (value: string): Buffer => createHash('sha256').update(value, 'utf8').digest();

/**
 * The configured API keys, each bound to one tenant. Only SHA-256 digests are kept in memory;
 * a presented key is hashed and compared against every digest in constant time (no early exit),
 * so neither the keys nor which one matched leak through timing.
 */
export class ApiKeyring {
  private constructor(private readonly entries: readonly { digest: Buffer; tenantId: string }[]) {}

  /**
   * Parses `key1:tenantA,key2:tenantB`. Errors name the entry by position, never its key.
   * Keys are at least 16 characters without `:` `,` or spaces; tenants are subject tokens.
   */
  static parse(spec: string): ApiKeyring {
    const problems: string[] = [];
    const entries: { digest: Buffer; tenantId: string }[] = [];
    const seen = new Set<string>();
    const items = spec.split(',').map((s) => s.trim());
    items.forEach((item, i) => {
      const where = `entry ${i + 1} of ${items.length}`;
      const colon = item.lastIndexOf(':');
      if (!item || colon <= 0) {
        problems.push(`${where}: expected <key>:<tenant>`);
        return;
      }
      const key = item.slice(0, colon);
      const tenantId = item.slice(colon + 1);
      if (key.length < MIN_API_KEY_LENGTH) problems.push(`${where}: the key must be at least ${MIN_API_KEY_LENGTH} characters (it has ${key.length})`);
      else if (/[\s:]/.test(key)) problems.push(`${where}: the key must not contain spaces or ':'`);
      if (!SUBJECT_TOKEN.test(tenantId)) problems.push(`${where}: tenant ${JSON.stringify(tenantId.slice(0, 140))} must be 1-128 characters of A-Z a-z 0-9 _ -`);
      const digest = sha256(key);
      const hex = digest.toString('hex');
      if (seen.has(hex)) problems.push(`${where}: the same key is listed twice`);
      seen.add(hex);
      entries.push({ digest, tenantId });
    });
    if (problems.length) throw new Error(problems.join('; '));
    return new ApiKeyring(entries);
  }

  /** The tenant bound to `key`, or undefined when the key is unknown. */
  tenantOf(key: string | undefined): string | undefined {
    if (!key) return undefined;
    const digest = sha256(key);
    let found: string | undefined;
    for (const entry of this.entries) {
      if (timingSafeEqual(entry.digest, digest) && found === undefined) found = entry.tenantId;
    }
    return found;
  }

  get size(): number {
    return this.entries.length;
  }

  get tenants(): string[] {
    return [...new Set(this.entries.map((e) => e.tenantId))];
  }

  /** What a log line or JSON dump of the configuration shows: no digests, no keys. */
  toJSON(): { keys: number; tenants: string[] } {
    return { keys: this.size, tenants: this.tenants };
  }
}
