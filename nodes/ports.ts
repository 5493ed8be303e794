/**
 * Port kinds: what flows along an edge. One `as const` object is the source of the union type, the
 * catalog the editor colours handles from, and the compatibility table `isValidConnection` checks.
 */
export const PortKinds = {
  /** A stream of closed OHLCV bars from one data source. */
  bars: { title: 'Bars', color: '#8b9bb4', description: 'Closed OHLCV bars from a data source.' },
  /** A price in the quote currency, one per closed bar. */
  price: { title: 'Price', color: '#4fc3f7', description: 'A price per closed bar, in quote currency.' },
  /** Any number per closed bar (an oscillator value, a ratio, a volume). */
  number: { title: 'Number', color: '#9575cd', description: 'A number per closed bar.' },
  /** True or false per closed bar; unknown (during warm-up) counts as false downstream. */
  bool: { title: 'Condition', color: '#ffb74d', description: 'True or false per closed bar.' },
  /** A target position instruction; only order-handling nodes consume it. */
  order: { title: 'Order', color: '#ef5350', description: 'A target position for the strategy’s symbol.' },
} as const;

export type PortKind = keyof typeof PortKinds;

/**
 * A `bars` port carries a whole closed bar, field by field; every other kind carries one number. The
 * compiler gives a bars port one slot per field, and a step reads `input.bars.high` and so on.
 */
export const barFields = ['time', 'open', 'high', 'low', 'close', 'volume'] as const;
export type BarField = (typeof barFields)[number];
export type Bar = { [F in BarField]: number };

/**
 * An `order` port carries the strategy's standing instruction, field by field:
 * - `target`: the position to hold, in units (signed; NaN = no instruction this bar);
 * - `type`: how to get there (see `OrderType`); `limit` and `stop`: its prices;
 * - `expiry`: 0 good-till-cancelled, n > 0 live for n bars, −1 for the trading day;
 * - `stopLoss`, `takeProfit`: protective exit prices for the position (NaN for none);
 * - `trail`: trailing-stop distance as a fraction of the best price since entry (NaN for none).
 */
export const orderFields = ['target', 'type', 'limit', 'stop', 'expiry', 'stopLoss', 'takeProfit', 'trail'] as const;
export type OrderField = (typeof orderFields)[number];
export type Order = { [F in OrderField]: number };

/** Order types as numbers, because order fields travel in Float64 slots. */
export const OrderType = { market: 0, limit: 1, stop: 2, stopLimit: 3 } as const;

/** The fields of the kinds that carry more than one number; every other kind is one slot. */
export const compoundFields: Partial<Record<PortKind, readonly string[]>> = { bars: barFields, order: orderFields };

/** Slots a value of this kind occupies in the executor. */
export function slotWidth(kind: PortKind): number {
  return compoundFields[kind]?.length ?? 1;
}
export const portKindNames = Object.keys(PortKinds) as PortKind[];

/**
 * Which output kinds may feed which input kinds. A price is a number, so it may feed a numeric input;
 * the reverse is refused because an oscillator fed where a price is expected is a classic silent bug.
 */
const accepts: Record<PortKind, readonly PortKind[]> = {
  bars: ['bars'],
  price: ['price'],
  number: ['number', 'price'],
  bool: ['bool'],
  order: ['order'],
};

/** Why a connection from `from` to `to` is refused, or `null` when it is allowed. */
export function connectionError(from: PortKind, to: PortKind): string | null {
  if (accepts[to].includes(from)) return null;
  return `a ${PortKinds[from].title} output cannot feed a ${PortKinds[to].title} input`;
}
