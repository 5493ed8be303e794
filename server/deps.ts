import type { Logger } from 'pino';
import type { Registry } from '../nodes/registry.ts';
import type { CustomNodeHost } from './custom-registry.ts';
import type { Orm } from './db/orm.ts';
import type { TemporalGateway } from './temporal.ts';

/** Everything the routes use, injected so tests build the same app against real services. */
export interface AppDeps {
  orm: Orm;
  dbKind: string;
  registry: Registry;
  /** Custom nodes: the owner's registry for a graph, and the server-wide sandbox pool (started lazily). */
  customNodes: CustomNodeHost;
  temporal: TemporalGateway;
  log: Logger;
  /** Folder of the built editor; absent in API-only tests. */
  editorDir?: string;
  /** Owner of everything created through this server until accounts exist. */
  owner: string;
}
