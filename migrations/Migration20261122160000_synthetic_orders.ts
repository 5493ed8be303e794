import { Migration } from '@mikro-orm/migrations';

/**
 * Synthetic orders (trading/synthetic-orders.ts): a deployment's stop entry and protective exits, kept
 * in its row and committed with each bar; and, per order, the level that triggered it.
 */
export class Migration20261122160000_synthetic_orders extends Migration {
  override up(): void {
    this.addSql(`alter table "deployments" add column "synthetic_state" jsonb null;`);
    this.addSql(`alter table "deployment_orders" add column "trigger" varchar(32) null;`);
  }

  override down(): void {
    this.addSql(`alter table "deployment_orders" drop column if exists "trigger";`);
    this.addSql(`alter table "deployments" drop column if exists "synthetic_state";`);
  }
}
