import { Migration20261122000000_initial } from './Migration20261122000000_initial.ts';

/** Every migration, in order, listed explicitly (no file scanning): the same list runs on PGlite and PostgreSQL. */
export const migrationsList = [{ name: 'Migration20261122000000_initial', class: Migration20261122000000_initial }];
