/**
 * The alert message template: plain text with `{placeholder}`s the platform fills in when it sends an
 * alert (never the step, which has no strings). Kept beside the node so the params schema can refuse a
 * template with an unknown placeholder while the user is still typing it.
 */

export const messagePlaceholders = {
  symbol: 'the symbol the bar belongs to (empty on a single-symbol run without one)',
  time: 'the bar’s open time, ISO 8601 UTC',
  bar: 'the bar index, from 0',
  value: 'the `value` input',
  price: 'the `price` input',
  node: 'the node id',
} as const;
export type MessagePlaceholder = keyof typeof messagePlaceholders;

const placeholder = /\{([A-Za-z_][A-Za-z0-9_]*)\}/g;

/** Placeholders in `template` that `renderMessage` would not know. */
export function unknownPlaceholders(template: string): string[] {
  return [...template.matchAll(placeholder)].map((m) => m[1]!).filter((name) => !(name in messagePlaceholders));
}

/** What a rendered message is built from: one recorded alert event. */
export interface MessageFields {
  nodeId: string;
  time: number;
  bar: number;
  symbol?: string;
  /** Input values as recorded; NaN or null for unknown. */
  values: Readonly<Record<string, number | null>>;
}

/** A number as a person reads it in an alert: at most 10 significant digits, `n/a` when unknown. */
export function formatAlertNumber(x: number | null | undefined): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return 'n/a';
  return Number.isInteger(x) ? String(x) : String(Number(x.toPrecision(10)));
}

/**
 * Fill in a template. Unknown placeholders are left as written (the params schema refuses them, so this
 * only happens for a template saved by a newer version).
 *
 * @example
 * renderMessage('{symbol} {value}', { nodeId: 'a', time: 0, bar: 0, symbol: 'BTC', values: { value: 1.5 } }) // 'BTC 1.5'
 */
export function renderMessage(template: string, f: MessageFields): string {
  return template.replace(placeholder, (whole, name: string) => {
    switch (name as MessagePlaceholder) {
      case 'symbol':
        return f.symbol ?? '';
      case 'time':
        return new Date(f.time).toISOString();
      case 'bar':
        return String(f.bar);
      case 'value':
        return formatAlertNumber(f.values.value);
      case 'price':
        return formatAlertNumber(f.values.price);
      case 'node':
        return f.nodeId;
      default:
        return whole;
    }
  });
}
