import { Migration } from '@mikro-orm/migrations';

/**
 * The alert outbox of deployments: each webhook alert a committed bar raised, written in that bar's
 * transaction under its derived delivery id, then delivered (and retried) by the steps after it.
 */
export class Migration20261125010000_deployment_alerts extends Migration {
  override up(): void {
    this.addSql(`create table "deployment_alerts" (
      "delivery_id" uuid not null,
      "deployment_id" uuid not null,
      "node_id" varchar(100) not null,
      "bar_time" double precision not null,
      "url" text not null,
      "secret_name" varchar(40) null,
      "payload" jsonb not null,
      "status" text check ("status" in ('pending', 'sent', 'failed')) not null,
      "attempts" int not null default 0,
      "next_attempt_at" double precision not null,
      "last_error" text null,
      "receiver_status" int null,
      "sent_at" double precision null,
      "created_at" timestamptz not null,
      "updated_at" timestamptz not null,
      constraint "deployment_alerts_pkey" primary key ("delivery_id")
    );`);
    this.addSql(`create index "deployment_alerts_deployment_id_status_index" on "deployment_alerts" ("deployment_id", "status");`);
    this.addSql(`alter table "deployment_alerts" add constraint "deployment_alerts_deployment_id_foreign" foreign key ("deployment_id") references "deployments" ("id") on delete cascade;`);
  }

  override down(): void {
    this.addSql(`drop table if exists "deployment_alerts" cascade;`);
  }
}
