import { Migration } from '@mikro-orm/migrations';

/**
 * When an order's last place request left, or gave up without an answer: a resend waits until a late
 * original can no longer be executed (`BrokerAdapter.lateArrivalMs`).
 */
export class Migration20261125000000_order_sent_at extends Migration {
  override up(): void {
    this.addSql(`alter table "deployment_orders" add column "sent_at" double precision null;`);
  }

  override down(): void {
    this.addSql(`alter table "deployment_orders" drop column if exists "sent_at";`);
  }
}
