#!/usr/bin/env node
// Writes the compose stack's env file (default: .env at the repository root) from
// deploy/compose.env.example, with a random value for every secret left empty there.
// Usage: node deploy/compose-env.mjs [file]. An existing file is never overwritten.
import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const hex = (bytes) => randomBytes(bytes).toString('hex');
const GENERATED = {
  POSTGRES_PASSWORD: () => hex(24),
  REVERIE_API_KEYS: () => `${hex(24)}:default:ingest+agent+reviewer+approver+admin`,
  REVERIE_CONTENT_KEY: () => randomBytes(32).toString('base64'),
  REVERIE_PSEUDONYM_KEY: () => hex(32),
};
// nats-server reads these as configuration values: a letter first, then letters and digits.
const natsPassword = () => `p${hex(32)}`;

const file = process.argv[2] ?? fileURLToPath(new URL('../.env', import.meta.url));
const example = readFileSync(fileURLToPath(new URL('compose.env.example', import.meta.url)), 'utf8');
const filled = example.replace(/^([A-Z0-9_]+)=$/gm, (line, name) => {
  const generate = GENERATED[name] ?? (/^REVERIE_NATS_[A-Z]+_PASSWORD$/.test(name) ? natsPassword : undefined);
  return generate ? `${name}=${generate()}` : line;
});
try {
  writeFileSync(file, filled, { mode: 0o600, flag: 'wx' });
} catch (err) {
  if (err.code !== 'EEXIST') throw err;
  console.error(`${file} exists; not overwritten (delete it first to make a new one)`);
  process.exit(1);
}
console.log(`wrote ${file}: docker compose up --wait`);
