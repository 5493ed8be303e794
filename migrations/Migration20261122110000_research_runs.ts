import { Migration } from '@mikro-orm/migrations';

/** Research runs (sweeps, walk-forward, Monte Carlo, cost sensitivity) and their trials, one row per trial. */
export class Migration20261122110000_research_runs extends Migration {
  override up(): void {
    this.addSql(`create table "research_runs" (
      "id" uuid not null, "owner" varchar(255) not null, "strategy_id" uuid not null, "kind" text not null,
      "graph" jsonb not null, "data" jsonb not null, "spec" jsonb not null, "execution" jsonb not null,
      "status" text not null default 'queued', "trials_total" int not null default 0, "trials_done" int not null default 0,
      "error" text null, "workflow_id" varchar(200) not null, "summary" jsonb null,
      "created_at" timestamptz not null, "started_at" timestamptz null, "finished_at" timestamptz null,
      primary key ("id"));`);
    this.addSql(`create index "research_runs_owner_index" on "research_runs" ("owner");`);
    // The composite primary key is the idempotency guard: a trial can be stored once per run.
    this.addSql(`create table "research_trials" (
      "research_run_id" uuid not null, "trial_index" int not null, "phase" varchar(32) not null,
      "params" jsonb not null, "metrics" jsonb null, "detail" jsonb null, "error" text null,
      "worker" varchar(200) not null, "attempt" int not null, "duration_ms" int not null, "created_at" timestamptz not null,
      primary key ("research_run_id", "trial_index"));`);
    this.addSql(`alter table "research_runs" add constraint "research_runs_strategy_id_foreign" foreign key ("strategy_id") references "strategies" ("id") on delete cascade;`);
    this.addSql(`alter table "research_runs" add constraint "research_runs_kind_check" check ("kind" in ('sweep', 'walkForward', 'monteCarlo', 'costSensitivity'));`);
    this.addSql(`alter table "research_runs" add constraint "research_runs_status_check" check ("status" in ('queued', 'running', 'succeeded', 'failed', 'cancelled'));`);
    this.addSql(`alter table "research_trials" add constraint "research_trials_research_run_id_foreign" foreign key ("research_run_id") references "research_runs" ("id") on delete cascade;`);
  }

  override down(): void {
    this.addSql(`drop table if exists "research_trials" cascade;`);
    this.addSql(`drop table if exists "research_runs" cascade;`);
  }
}
