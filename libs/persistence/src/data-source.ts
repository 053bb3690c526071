import { DataSource, type MigrationInterface } from 'typeorm';
import { Client } from 'pg';
import { ALL_MIGRATIONS } from './migrations';

export interface DataSourceOptions {
  url: string;
  /** Pool size per service; projections and APIs share it. */
  poolSize?: number;
  migrations?: (new () => MigrationInterface)[];
}

/** A TypeORM data source over `pg`. Schema changes come only from migrations, never `synchronize`. */
export function createDataSource({ url, poolSize = 10, migrations = ALL_MIGRATIONS }: DataSourceOptions): DataSource {
  return new DataSource({
    type: 'postgres',
    url,
    synchronize: false,
    migrationsRun: false,
    migrations,
    migrationsTableName: 'reverie_migrations',
    extra: { max: poolSize },
    logging: false,
  });
}

/** Creates the database named in `url` when it does not exist (connecting to `postgres` to do so). */
export async function ensureDatabase(url: string): Promise<'created' | 'exists'> {
  const target = new URL(url);
  const name = decodeURIComponent(target.pathname.replace(/^\//, ''));
  if (!/^[A-Za-z0-9_]+$/.test(name)) throw new Error(`DATABASE_URL database name "${name}" must be letters, digits and _`);
  const admin = new URL(url);
  admin.pathname = '/postgres';
  const client = new Client({ connectionString: admin.toString() });
  await client.connect();
  try {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (found.rowCount) return 'exists';
    await client.query(`CREATE DATABASE "${name}"`);
    return 'created';
  } catch (err) {
    // Two processes racing to create it: the loser sees a duplicate_database error.
    if ((err as { code?: string }).code === '42P04') return 'exists';
    throw err;
  } finally {
    await client.end();
  }
}

/** Creates the database if needed and runs pending migrations; returns the names applied. */
export async function migrateDatabase(url: string): Promise<{ database: 'created' | 'exists'; applied: string[] }> {
  const database = await ensureDatabase(url);
  const ds = createDataSource({ url, poolSize: 2 });
  await ds.initialize();
  try {
    const applied = await ds.runMigrations({ transaction: 'each' });
    return { database, applied: applied.map((m) => m.name) };
  } finally {
    await ds.destroy();
  }
}

/** Connects and checks that every migration has been applied; tells the operator to run setup if not. */
export async function connectMigrated(url: string, poolSize?: number): Promise<DataSource> {
  const ds = createDataSource({ url, poolSize });
  await ds.initialize();
  if (await ds.showMigrations()) {
    await ds.destroy();
    throw new Error(`database ${new URL(url).pathname.slice(1)} has pending migrations: run \`reverie setup\` first`);
  }
  return ds;
}
