import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { MikroORM as CoreORM } from '@mikro-orm/core';
import { Migrator } from '@mikro-orm/migrations';
import { MikroORM as PgliteORM } from '@mikro-orm/pglite';
import { MikroORM as PostgresORM } from '@mikro-orm/postgresql';
import { migrationsList } from '../../migrations/index.ts';
import { poolTimeouts } from './availability.ts';
import { entities } from './entities.ts';
import { releaseDeadConnections } from './pool-guard.ts';

export type Orm = CoreORM;

export interface DatabaseOptions {
  /** `postgres://…` for a real PostgreSQL; absent for the embedded PGlite under `dataDir`. */
  databaseUrl?: string;
  dataDir: string;
  debug?: boolean;
}

const migrations = {
  migrationsList,
  tableName: 'mikro_orm_migrations',
  path: 'migrations',
  pathTs: 'migrations',
  emit: 'ts' as const,
  snapshot: false,
  silent: true,
};

/** Open the database and bring its schema up to date. The same migrations run on PGlite and PostgreSQL. */
export async function openDatabase(options: DatabaseOptions): Promise<{ orm: Orm; kind: 'postgresql' | 'pglite' }> {
  const common = { entities, extensions: [Migrator], migrations, debug: options.debug ?? false, allowGlobalContext: false };
  let orm: Orm;
  let kind: 'postgresql' | 'pglite';
  if (options.databaseUrl) {
    // Across a restart of PostgreSQL: the timeouts bound how long a request waits while it is down
    // (availability.ts), and the guard gives back connections that died mid-transaction (pool-guard.ts).
    orm = (await PostgresORM.init({
      ...common,
      clientUrl: options.databaseUrl,
      pool: { min: 0, max: 10 },
      driverOptions: { ...poolTimeouts, onPoolCreated: releaseDeadConnections },
    })) as unknown as Orm;
    kind = 'postgresql';
  } else {
    const dir = join(options.dataDir, 'pglite');
    mkdirSync(dir, { recursive: true });
    orm = (await PgliteORM.init({ ...common, dbName: dir })) as unknown as Orm;
    kind = 'pglite';
  }
  await orm.migrator.up();
  return { orm, kind };
}
