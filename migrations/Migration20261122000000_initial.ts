import { Migration } from '@mikro-orm/migrations';

/** Strategies, uploaded datasets, backtest runs and their results; every row carries its owner. */
export class Migration20261122000000_initial extends Migration {
  override up(): void {
    this.addSql(`create table "strategies" (
      "id" uuid not null, "owner" varchar(255) not null, "name" varchar(200) not null, "graph" jsonb not null,
      "created_at" timestamptz not null, "updated_at" timestamptz not null,
      constraint "strategies_pkey" primary key ("id"));`);
    this.addSql(`create index "strategies_owner_index" on "strategies" ("owner");`);
    this.addSql(`create table "datasets" (
      "id" uuid not null, "owner" varchar(255) not null, "name" varchar(200) not null, "csv" text not null,
      "bars" int not null, "start_time" timestamptz not null, "end_time" timestamptz not null, "created_at" timestamptz not null,
      constraint "datasets_pkey" primary key ("id"));`);
    this.addSql(`create index "datasets_owner_index" on "datasets" ("owner");`);
    this.addSql(`create table "runs" (
      "id" uuid not null, "owner" varchar(255) not null, "strategy_id" uuid not null, "graph" jsonb not null, "data" jsonb null,
      "status" text check ("status" in ('queued', 'running', 'succeeded', 'failed', 'cancelled')) not null default 'queued',
      "bars_done" int not null default 0, "bars_total" int not null default 0, "attempts" int not null default 0,
      "error" text null, "workflow_id" varchar(200) not null, "metrics" jsonb null,
      "created_at" timestamptz not null, "started_at" timestamptz null, "finished_at" timestamptz null,
      constraint "runs_pkey" primary key ("id"));`);
    this.addSql(`create index "runs_owner_index" on "runs" ("owner");`);
    this.addSql(`alter table "runs" add constraint "runs_strategy_id_foreign" foreign key ("strategy_id") references "strategies" ("id") on delete cascade;`);
    this.addSql(`create table "run_results" (
      "run_id" uuid not null, "result" jsonb not null, "created_at" timestamptz not null,
      constraint "run_results_pkey" primary key ("run_id"));`);
    this.addSql(`alter table "run_results" add constraint "run_results_run_id_foreign" foreign key ("run_id") references "runs" ("id") on update cascade on delete cascade;`);
  }

  override down(): void {
    this.addSql(`drop table if exists "run_results" cascade;`);
    this.addSql(`drop table if exists "runs" cascade;`);
    this.addSql(`drop table if exists "datasets" cascade;`);
    this.addSql(`drop table if exists "strategies" cascade;`);
  }
}
