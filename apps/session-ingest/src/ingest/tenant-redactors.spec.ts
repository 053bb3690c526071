import type { Logger } from 'pino';
import { loadIngestConfig } from '../config/ingest.config';
import { tenantPseudonymKeys } from '../config/pseudonym-keys';
import { IngestService } from './ingest.service';
import { TenantRedactors } from './tenant-redactors';

const event = (tenantId: string) => ({ tenantId, actor: { kind: 'user', id: 'ana@example.org' }, data: { userId: 'ana@example.org' } });

describe('TenantRedactors', () => {
  it('gives each tenant a redactor keyed with its own pseudonym key, asking for it once', () => {
    const asked: string[] = [];
    const keys = tenantPseudonymKeys('f'.repeat(32));
    const redactors = new TenantRedactors({}, (t) => { asked.push(t); return keys(t); });
    const acme = redactors.for('acme').redactEvent(event('acme')).data.userId;
    expect(redactors.for('acme').redactEvent(event('acme')).data.userId).toBe(acme);
    const globex = redactors.for('globex').redactEvent(event('globex')).data.userId;
    expect(acme).toMatch(/^pseudonym-[0-9a-f]{20}$/);
    expect(globex).toMatch(/^pseudonym-[0-9a-f]{20}$/);
    expect(globex).not.toBe(acme);
    expect(asked).toEqual(['acme', 'globex']);
  });
});

describe('the development pseudonym key', () => {
  const build = (env: Record<string, string>) => {
    const warn = jest.fn();
    const logger = { warn } as unknown as Logger;
    new IngestService({} as never, {} as never, loadIngestConfig(env), logger, () => new Date(), {} as never);
    return warn;
  };

  it('is announced once, at start-up, when REVERIE_PSEUDONYM_KEY is unset', () => {
    const warn = build({});
    expect(warn).toHaveBeenCalledTimes(1);
    expect(warn.mock.calls[0][0]).toMatch(/REVERIE_PSEUDONYM_KEY is not set.*development key/);
  });

  it('is not used, and nothing is said, when the key is set', () => {
    expect(build({ REVERIE_PSEUDONYM_KEY: 'g'.repeat(32) })).not.toHaveBeenCalled();
  });
});
