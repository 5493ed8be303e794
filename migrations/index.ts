import { Migration20261122000000_initial } from './Migration20261122000000_initial.ts';
import { Migration20261122100000_strategy_versions } from './Migration20261122100000_strategy_versions.ts';
import { Migration20261122110000_research_runs } from './Migration20261122110000_research_runs.ts';
import { Migration20261122120000_deployments } from './Migration20261122120000_deployments.ts';
import { Migration20261122130000_custom_nodes } from './Migration20261122130000_custom_nodes.ts';
import { Migration20261122160000_synthetic_orders } from './Migration20261122160000_synthetic_orders.ts';
import { Migration20261125000000_order_sent_at } from './Migration20261125000000_order_sent_at.ts';
import { Migration20261125010000_deployment_alerts } from './Migration20261125010000_deployment_alerts.ts';

/** Every migration, in order, listed explicitly (no file scanning): the same list runs on PGlite and PostgreSQL. */
export const migrationsList = [
  { name: 'Migration20261122000000_initial', class: Migration20261122000000_initial },
  { name: 'Migration20261122100000_strategy_versions', class: Migration20261122100000_strategy_versions },
  { name: 'Migration20261122110000_research_runs', class: Migration20261122110000_research_runs },
  { name: 'Migration20261122120000_deployments', class: Migration20261122120000_deployments },
  { name: 'Migration20261122130000_custom_nodes', class: Migration20261122130000_custom_nodes },
  { name: 'Migration20261122160000_synthetic_orders', class: Migration20261122160000_synthetic_orders },
  { name: 'Migration20261125000000_order_sent_at', class: Migration20261125000000_order_sent_at },
  { name: 'Migration20261125010000_deployment_alerts', class: Migration20261125010000_deployment_alerts },
];
