import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { cliConfig } from '../cli-config';
import { CliError } from '../http';
import { createOutput } from '../output';
import { keysCreateCommand, keysListCommand, keysRevokeCommand, parseRolesOption } from './keys.command';
import { loginCommand } from './login.command';

const TOKEN = `rvk_0123456789ab_${'s'.repeat(43)}`;
const json = (body: unknown, status = 200) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

describe('reverie keys and reverie login', () => {
  let home: string;
  let stdout: string;
  let stderr: string;
  let fetchMock: jest.SpiedFunction<typeof fetch>;
  beforeEach(() => {
    home = mkdtempSync(path.join(tmpdir(), 'reverie-cli-'));
    stdout = '';
    stderr = '';
    jest.spyOn(process.stdout, 'write').mockImplementation((s) => { stdout += String(s); return true; });
    jest.spyOn(process.stderr, 'write').mockImplementation((s) => { stderr += String(s); return true; });
    fetchMock = jest.spyOn(globalThis, 'fetch');
  });
  afterEach(() => { rmSync(home, { recursive: true, force: true }); jest.restoreAllMocks(); });
  const admin = () => cliConfig({ HOME: home, REVERIE_API_KEY: 'admin-key-000000000001' });
  const request = (i = 0) => { const [url, init] = fetchMock.mock.calls[i] as [string, RequestInit]; return { url, method: init.method, headers: init.headers, body: init.body ? JSON.parse(String(init.body)) : undefined }; };

  it('creates a key with its roles, prints its token once and says it will not be shown again', async () => {
    fetchMock.mockImplementation(async () => json({ keyId: '0123456789ab', token: TOKEN, tenantId: 'default', name: 'ci', roles: ['reviewer', 'approver'], createdAt: '2026-01-01T00:00:00.000Z' }, 201));
    await keysCreateCommand(admin(), createOutput(false), { name: 'ci', roles: 'reviewer,approver' });
    expect(request()).toEqual({ url: 'http://127.0.0.1:4103/v1/admin/keys', method: 'POST', headers: { 'x-api-key': 'admin-key-000000000001', 'content-type': 'application/json' }, body: { name: 'ci', roles: ['reviewer', 'approver'] } });
    expect(stdout.split(TOKEN)).toHaveLength(2);
    expect(stdout).toMatch(/it will not be shown again/);
    expect(stdout).toContain('tenant default with roles reviewer, approver');

    stdout = '';
    await keysCreateCommand(admin(), createOutput(true), { name: 'ci', roles: 'reviewer+approver' });
    expect(JSON.parse(stdout)).toMatchObject({ keyId: '0123456789ab', token: TOKEN, roles: ['reviewer', 'approver'] });
  });

  it('reads roles as a comma or plus separated list and needs one at least', () => {
    expect(parseRolesOption('reviewer, approver+reviewer')).toEqual(['reviewer', 'approver']);
    expect(() => parseRolesOption(' , ')).toThrow(/--roles needs at least one role/);
  });

  it('lists the keys without secrets and revokes one by id', async () => {
    const keys = [
      { keyId: '0123456789ab', tenantId: 'default', name: 'ci', roles: ['ingest'], status: 'active', createdAt: '2026-01-01T00:00:00.000Z', createdBy: 'key:env-1' },
      { keyId: 'ba9876543210', tenantId: 'default', name: 'old', roles: ['reviewer'], status: 'revoked', createdAt: '2026-01-01T00:00:00.000Z', createdBy: 'key:env-1', revokedAt: '2026-01-02T00:00:00.000Z', revokedBy: 'key:env-1' },
    ];
    fetchMock.mockResolvedValueOnce(json(keys));
    await keysListCommand(admin(), createOutput(false));
    expect(request()).toMatchObject({ url: 'http://127.0.0.1:4103/v1/admin/keys', method: 'GET' });
    expect(stdout).toMatch(/key id\s+name\s+roles\s+status/);
    expect(stdout).toMatch(/ba9876543210\s+old\s+reviewer\s+revoked/);

    stdout = '';
    fetchMock.mockResolvedValueOnce(json({ ...keys[0], status: 'revoked', revokedAt: '2026-01-03T00:00:00.000Z', revokedBy: 'key:env-1' }));
    await keysRevokeCommand(admin(), createOutput(true), '0123456789ab');
    expect(request(1)).toMatchObject({ url: 'http://127.0.0.1:4103/v1/admin/keys/0123456789ab', method: 'DELETE' });
    expect(JSON.parse(stdout)).toMatchObject({ keyId: '0123456789ab', status: 'revoked' });

    fetchMock.mockResolvedValueOnce(json({ title: 'Not Found', detail: 'no key 0123456789ac in tenant default' }, 404));
    await expect(keysRevokeCommand(admin(), createOutput(false), '0123456789ac')).rejects.toThrow(/lesson-governance answered 404 for DELETE \/v1\/admin\/keys\/0123456789ac: no key/);
  });

  it('login checks the key, then saves it in $XDG_CONFIG_HOME/reverie/config.json readable by its owner only', async () => {
    const xdg = path.join(home, 'xdg');
    const config = cliConfig({ HOME: home, XDG_CONFIG_HOME: xdg });
    fetchMock.mockImplementation(async () => json({ tenantId: 'default', actor: { kind: 'service', id: 'key:rita' }, roles: ['reviewer'], credential: { type: 'api-key', keyId: '0123456789ab', name: 'rita' } }));
    await loginCommand(config, createOutput(true), { key: ` ${TOKEN} ` });
    expect(request()).toMatchObject({ url: 'http://127.0.0.1:4101/v1/whoami', headers: { 'x-api-key': TOKEN } });
    const file = path.join(xdg, 'reverie', 'config.json');
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({ apiKey: TOKEN });
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(statSync(path.dirname(file)).mode & 0o077).toBe(0);
    expect(JSON.parse(stdout)).toEqual({ saved: file, tenantId: 'default', actor: 'key:rita', roles: ['reviewer'], verified: true });
    // Used when REVERIE_API_KEY is unset, and not otherwise.
    expect(cliConfig({ HOME: home, XDG_CONFIG_HOME: xdg }).apiKey).toBe(TOKEN);
    expect(cliConfig({ HOME: home, XDG_CONFIG_HOME: xdg, REVERIE_API_KEY: 'other' }).apiKey).toBe('other');

    // `--key -` reads it from standard input.
    await loginCommand(config, createOutput(true), { key: '-' }, Readable.from([`${TOKEN.slice(0, -1)}t\n`]));
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({ apiKey: `${TOKEN.slice(0, -1)}t` });
  });

  it('login does not save a key the services refuse, and saves one it could not check with a note', async () => {
    const config = cliConfig({ HOME: home });
    fetchMock.mockResolvedValueOnce(json({ title: 'Unauthorized', detail: 'the API key was revoked' }, 401));
    const err = await loginCommand(config, createOutput(false), { key: TOKEN }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CliError);
    expect((err as Error).message).toMatch(/^the key was not saved: session-ingest answered 401 for GET \/v1\/whoami: the API key was revoked \(the key is the key given with --key\)$/);
    expect(() => statSync(config.profilePath)).toThrow();

    fetchMock.mockRejectedValueOnce(Object.assign(new TypeError('fetch failed'), { cause: new Error('connect ECONNREFUSED') }));
    await loginCommand(config, createOutput(false), { key: TOKEN });
    expect(stderr).toMatch(/Could not check the key .*ECONNREFUSED.*saving it anyway/);
    expect(stdout).toMatch(/It was not checked/);
    expect(JSON.parse(readFileSync(config.profilePath, 'utf8'))).toEqual({ apiKey: TOKEN });
  });
});
