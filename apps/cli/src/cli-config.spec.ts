import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { cliConfig, profilePath } from './cli-config';
import { callService, CliError, requireApiKey } from './http';

describe('the CLI configuration', () => {
  let home: string;
  beforeEach(() => { home = mkdtempSync(path.join(tmpdir(), 'reverie-cli-')); });
  afterEach(() => { rmSync(home, { recursive: true, force: true }); jest.restoreAllMocks(); });
  const saveProfile = (dir: string, content: string) => {
    mkdirSync(path.join(dir, 'reverie'), { recursive: true });
    writeFileSync(path.join(dir, 'reverie', 'config.json'), content);
  };

  it('keeps the profile in $XDG_CONFIG_HOME/reverie/config.json, else ~/.config/reverie/config.json', () => {
    expect(profilePath({ HOME: home })).toBe(path.join(home, '.config', 'reverie', 'config.json'));
    expect(profilePath({ HOME: home, XDG_CONFIG_HOME: '/etc/xdg-me' })).toBe('/etc/xdg-me/reverie/config.json');
    expect(profilePath({ HOME: home, XDG_CONFIG_HOME: 'relative/dir' })).toBe(path.join(home, '.config', 'reverie', 'config.json'));
  });

  it('takes the key from REVERIE_API_KEY, else from the saved profile, and names no tenant', () => {
    const xdg = path.join(home, 'xdg');
    saveProfile(xdg, JSON.stringify({ apiKey: 'rvk_saved' }));
    expect(cliConfig({ HOME: home, XDG_CONFIG_HOME: xdg, REVERIE_API_KEY: 'from-env' })).toMatchObject({ apiKey: 'from-env', apiKeySource: 'REVERIE_API_KEY' });
    expect(cliConfig({ HOME: home, XDG_CONFIG_HOME: xdg })).toMatchObject({ apiKey: 'rvk_saved', apiKeySource: 'profile' });
    expect(cliConfig({ HOME: home, XDG_CONFIG_HOME: xdg, REVERIE_TENANT: 'beta' })).not.toHaveProperty('tenant');
    const none = cliConfig({ HOME: home });
    expect(none).toMatchObject({ apiKeySource: 'none' });
    expect(none.apiKey).toBeUndefined();
  });

  it('asks for a key only when a command needs one, saying how to give it', () => {
    const none = cliConfig({ HOME: home });
    expect(() => requireApiKey(none)).toThrow(CliError);
    expect(() => requireApiKey(none)).toThrow(/no API key: set REVERIE_API_KEY or run `reverie login --key <key>`/);
    saveProfile(path.join(home, '.config'), '{not json');
    const broken = cliConfig({ HOME: home });
    expect(() => requireApiKey(broken)).toThrow(/config\.json is not valid JSON; run `reverie login --key <key>`/);
    // A broken profile does not stand in the way of REVERIE_API_KEY.
    expect(requireApiKey(cliConfig({ HOME: home, REVERIE_API_KEY: 'k' }))).toBe('k');
  });

  it('sends the key as x-api-key and no tenant header; says which key a 401 or 403 was about', async () => {
    const fetchMock = jest.spyOn(globalThis, 'fetch').mockResolvedValue(new Response('[]', { status: 200 }));
    const config = cliConfig({ HOME: home, REVERIE_API_KEY: 'the-key-0000000000' });
    await callService(config, 'lesson-governance', '/v1/lessons');
    const [url, init] = fetchMock.mock.calls[0] as [string, RequestInit];
    expect(url).toBe('http://127.0.0.1:4103/v1/lessons');
    expect(init.headers).toEqual({ 'x-api-key': 'the-key-0000000000' });

    fetchMock.mockResolvedValueOnce(new Response(JSON.stringify({ title: 'Forbidden', detail: 'this needs one of the roles approver; the credential has reviewer' }), { status: 403 }));
    const err = (await callService(config, 'lesson-governance', '/v1/lessons/x/approve', { body: {} }).catch((e: unknown) => e)) as CliError;
    expect(err).toBeInstanceOf(CliError);
    expect(err.httpStatus).toBe(403);
    expect(err.message).toBe('lesson-governance answered 403 for POST /v1/lessons/x/approve: this needs one of the roles approver; the credential has reviewer (the key is REVERIE_API_KEY; ask an admin for a key with that role: `reverie keys create`)');
    expect(err.message).not.toContain('the-key-0000000000');
  });
});
