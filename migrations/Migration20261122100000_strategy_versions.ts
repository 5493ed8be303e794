import { Migration } from '@mikro-orm/migrations';

/**
 * Immutable strategy versions. Every strategy saved before this migration gets its current state as
 * version 1 (dated by its last update), so no saved graph is left outside the history.
 */
export class Migration20261122100000_strategy_versions extends Migration {
  override up(): void {
    this.addSql(`create table "strategy_versions" (
      "id" uuid not null, "owner" varchar(255) not null, "strategy_id" uuid not null, "number" int not null,
      "name" varchar(200) not null, "description" text null, "graph" jsonb not null, "message" varchar(500) null,
      "restored_from" int null, "created_at" timestamptz not null,
      constraint "strategy_versions_pkey" primary key ("id"));`);
    this.addSql(`create index "strategy_versions_owner_index" on "strategy_versions" ("owner");`);
    this.addSql(`alter table "strategy_versions" add constraint "strategy_versions_strategy_id_number_unique" unique ("strategy_id", "number");`);
    this.addSql(`alter table "strategy_versions" add constraint "strategy_versions_strategy_id_foreign" foreign key ("strategy_id") references "strategies" ("id") on delete cascade;`);
    this.addSql(`alter table "strategies" add "latest_version" int not null default 0;`);
    // Backfill: gen_random_uuid() is built into PostgreSQL 13+ and PGlite, no extension needed.
    this.addSql(`insert into "strategy_versions" ("id", "owner", "strategy_id", "number", "name", "description", "graph", "message", "restored_from", "created_at")
      select gen_random_uuid(), "owner", "id", 1, "name", null, "graph", 'Saved before version history existed', null, "updated_at" from "strategies";`);
    this.addSql(`update "strategies" set "latest_version" = 1;`);
  }

  override down(): void {
    this.addSql(`alter table "strategies" drop column "latest_version";`);
    this.addSql(`drop table if exists "strategy_versions" cascade;`);
  }
}
