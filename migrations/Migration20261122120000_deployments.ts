import { Migration } from '@mikro-orm/migrations';

/** Paper, shadow and live deployments: the deployment, its orders, its venue fills and its event journal. */
export class Migration20261122120000_deployments extends Migration {
  override up(): void {
    this.addSql(`create table "deployments" (
      "id" uuid not null, "owner" varchar(255) not null, "strategy_id" uuid not null, "name" varchar(200) not null,
      "mode" text not null, "status" text not null default 'running', "graph" jsonb not null, "symbol" varchar(64) not null,
      "feed" jsonb not null, "venue" jsonb not null, "credentials" jsonb null, "risk_limits" jsonb not null, "risk_state" jsonb not null,
      "catch_up" text not null default 'skip', "stale_after_ms" int not null default 60000, "initial_cash" double precision not null,
      "snapshot" jsonb null, "last_instruction" jsonb null, "paper_state" jsonb null, "venue_baseline" double precision null,
      "cursor" double precision null, "bars_processed" int not null default 0, "started_at" double precision not null,
      "last_price" double precision null, "last_price_at" double precision null, "equity" double precision null,
      "position" double precision not null default 0, "outage" boolean not null default false, "last_reconciled_at" timestamptz null,
      "workflow_id" varchar(200) not null, "error" text null, "created_at" timestamptz not null, "updated_at" timestamptz not null,
      primary key ("id"));`);
    this.addSql(`create index "deployments_owner_index" on "deployments" ("owner");`);
    this.addSql(`alter table "deployments" add constraint "deployments_strategy_id_foreign" foreign key ("strategy_id") references "strategies" ("id") on delete cascade;`);
    this.addSql(`alter table "deployments" add constraint "deployments_mode_check" check ("mode" in ('paper', 'shadow', 'live'));`);
    this.addSql(`alter table "deployments" add constraint "deployments_status_check" check ("status" in ('running', 'paused', 'stopped', 'failed'));`);
    this.addSql(`alter table "deployments" add constraint "deployments_catch_up_check" check ("catch_up" in ('skip', 'flatten', 'halt'));`);

    // The unique client order id is the database half of "never a second order".
    this.addSql(`create table "deployment_orders" (
      "id" uuid not null, "deployment_id" uuid not null, "client_order_id" varchar(64) not null, "bar_time" double precision not null,
      "symbol" varchar(64) not null, "side" varchar(8) not null, "type" varchar(16) not null, "quantity" double precision not null,
      "limit_price" double precision null, "reference_price" double precision null, "reference_at" double precision null,
      "status" text not null, "venue_order_id" varchar(100) null, "filled" double precision not null default 0,
      "average_price" double precision null, "reason_code" varchar(64) null, "message" text null,
      "created_at" timestamptz not null, "updated_at" timestamptz not null, primary key ("id"));`);
    this.addSql(`alter table "deployment_orders" add constraint "deployment_orders_client_order_id_unique" unique ("client_order_id");`);
    this.addSql(`create index "deployment_orders_deployment_id_index" on "deployment_orders" ("deployment_id");`);
    this.addSql(`alter table "deployment_orders" add constraint "deployment_orders_deployment_id_foreign" foreign key ("deployment_id") references "deployments" ("id") on delete cascade;`);
    this.addSql(`alter table "deployment_orders" add constraint "deployment_orders_status_check" check ("status" in ('pending', 'open', 'filled', 'canceled', 'rejected', 'denied', 'shadow', 'unknown'));`);

    this.addSql(`create table "deployment_fills" (
      "deployment_id" uuid not null, "trade_id" varchar(100) not null, "client_order_id" varchar(64) null, "venue_order_id" varchar(100) not null,
      "symbol" varchar(64) not null, "side" varchar(8) not null, "quantity" double precision not null, "price" double precision not null,
      "fee" double precision not null, "time" double precision not null, "created_at" timestamptz not null,
      primary key ("deployment_id", "trade_id"));`);
    this.addSql(`alter table "deployment_fills" add constraint "deployment_fills_deployment_id_foreign" foreign key ("deployment_id") references "deployments" ("id") on delete cascade;`);

    this.addSql(`create table "deployment_events" (
      "id" uuid not null, "deployment_id" uuid not null, "seq" int not null, "kind" varchar(32) not null, "code" varchar(64) not null,
      "message" text not null, "data" jsonb null, "created_at" timestamptz not null, primary key ("id"));`);
    this.addSql(`alter table "deployment_events" add constraint "deployment_events_deployment_id_seq_unique" unique ("deployment_id", "seq");`);
    this.addSql(`alter table "deployment_events" add constraint "deployment_events_deployment_id_foreign" foreign key ("deployment_id") references "deployments" ("id") on delete cascade;`);
  }

  override down(): void {
    this.addSql(`drop table if exists "deployment_events" cascade;`);
    this.addSql(`drop table if exists "deployment_fills" cascade;`);
    this.addSql(`drop table if exists "deployment_orders" cascade;`);
    this.addSql(`drop table if exists "deployments" cascade;`);
  }
}
