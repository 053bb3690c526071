import { chmod, mkdir, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { WHOAMI_ROUTE, type WhoAmI } from '@reverie/ingest-client';
import type { CliConfig, CliProfile } from '../cli-config';
import { callService, CliError } from '../http';
import type { Output } from '../output';

async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  let text = '';
  for await (const chunk of stream) text += chunk.toString();
  return text;
}

/** Writes the profile readable by its owner only (0600, in a 0700 directory), replacing any earlier one whole. */
export async function writeProfile(file: string, profile: CliProfile): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
  const tmp = `${file}.${process.pid}.tmp`;
  await writeFile(tmp, `${JSON.stringify(profile, null, 2)}\n`, { mode: 0o600 });
  await chmod(tmp, 0o600); // whatever the umask
  await rename(tmp, file);
}

/**
 * Saves the key the CLI uses when REVERIE_API_KEY is unset. The key is checked first with
 * session-ingest (`GET /v1/whoami`): a key the services refuse is not saved; when they cannot be
 * reached it is saved with a note that it was not checked.
 */
export async function loginCommand(config: CliConfig, out: Output, opts: { key?: string }, stdin: NodeJS.ReadableStream = process.stdin): Promise<void> {
  // `--key -` reads the key from standard input, keeping it out of the shell history and the process list.
  const apiKey = (opts.key === '-' ? await readAll(stdin) : opts.key)?.trim();
  if (!apiKey) throw new CliError('--key is required: reverie login --key <key> (an rvk_ key from `reverie keys create`, or an operator key)');
  let who: WhoAmI | undefined;
  try {
    who = await callService<WhoAmI>({ ...config, apiKey, apiKeySource: 'option' }, 'session-ingest', WHOAMI_ROUTE);
  } catch (err) {
    const status = err instanceof CliError ? err.httpStatus : undefined;
    if (status !== undefined && status >= 400 && status < 500) throw new CliError(`the key was not saved: ${(err as Error).message}`);
    out.note(`Could not check the key (${(err as Error).message}); saving it anyway.`);
  }
  await writeProfile(config.profilePath, { apiKey });
  const result = { saved: config.profilePath, ...(who && { tenantId: who.tenantId, actor: who.actor.id, roles: who.roles }), verified: who !== undefined };
  out.result(result, () => [
    `Saved the key in ${config.profilePath} (readable by you only).`,
    who ? `It acts as ${who.actor.id} in tenant ${who.tenantId}, with roles ${who.roles.join(', ')}.` : 'It was not checked: the services could not be reached.',
    ...(config.apiKeySource === 'REVERIE_API_KEY' ? ['REVERIE_API_KEY is set and takes precedence over it; unset it to use the saved key.'] : []),
  ].join('\n'));
}
