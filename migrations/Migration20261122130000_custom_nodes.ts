import { Migration } from '@mikro-orm/migrations';

/** Custom nodes (user TypeScript run in the sandbox) and their immutable versions. */
export class Migration20261122130000_custom_nodes extends Migration {
  override up(): void {
    this.addSql(`create table "custom_nodes" (
      "id" uuid not null, "owner" varchar(255) not null, "type_name" varchar(64) not null, "title" varchar(80) not null,
      "latest_version" int not null default 1, "created_at" timestamptz not null, "updated_at" timestamptz not null,
      primary key ("id"));`);
    this.addSql(`create index "custom_nodes_owner_index" on "custom_nodes" ("owner");`);
    // One type name per owner: graphs refer to a custom node as `custom.<type name>`.
    this.addSql(`alter table "custom_nodes" add constraint "custom_nodes_owner_type_name_unique" unique ("owner", "type_name");`);
    this.addSql(`create table "custom_node_versions" (
      "id" uuid not null, "owner" varchar(255) not null, "custom_node_id" uuid not null, "number" int not null,
      "source" text not null, "source_hash" varchar(64) not null, "meta" jsonb not null, "created_at" timestamptz not null,
      primary key ("id"));`);
    this.addSql(`create index "custom_node_versions_owner_index" on "custom_node_versions" ("owner");`);
    this.addSql(`alter table "custom_node_versions" add constraint "custom_node_versions_custom_node_id_number_unique" unique ("custom_node_id", "number");`);
    this.addSql(`alter table "custom_node_versions" add constraint "custom_node_versions_custom_node_id_foreign" foreign key ("custom_node_id") references "custom_nodes" ("id") on delete cascade;`);
  }

  override down(): void {
    this.addSql(`drop table if exists "custom_node_versions" cascade;`);
    this.addSql(`drop table if exists "custom_nodes" cascade;`);
  }
}
