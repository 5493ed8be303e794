import type { Side } from './risk-gate.ts';

/**
 * What the order gateway needs from a venue: a real exchange through ccxt, or the paper broker. Every
 * call names orders by the client order id we chose, so a call repeated after a crash or a lost response
 * finds the same order instead of making another.
 */
export interface BrokerAdapter {
  readonly kind: 'ccxt' | 'paper';
  /**
   * How long after a place request leaves the venue may still execute it (ms): its recvWindow, plus the
   * clock difference it tolerates. A lookup made that long after a send whose answer was lost is final:
   * the request has arrived, or never will. Undefined for a venue whose sends cannot arrive late (the
   * paper venue lives in our database).
   */
  readonly lateArrivalMs?: number;
  /**
   * Place an order. Idempotent by `clientOrderId` while that order is open: when the venue has an open
   * order with that id (a retry after a lost response), it is returned and nothing new is placed. Binance
   * frees the id once the order is filled or cancelled, so a resend after a lost answer must look the
   * order up first, once it can no longer arrive (`lateArrivalMs`).
   */
  placeOrder(request: PlaceOrderRequest): Promise<VenueOrder>;
  /** Cancel a working order; undefined when the venue has no working order with that id (filled, gone). */
  cancelOrder(symbol: string, clientOrderId: string): Promise<VenueOrder | undefined>;
  /** The venue's view of one order; undefined when the venue has never seen it. */
  fetchOrder(symbol: string, clientOrderId: string): Promise<VenueOrder | undefined>;
  openOrders(symbol: string): Promise<VenueOrder[]>;
  /** Fills on `symbol` at or after `since` (epoch ms), oldest first. */
  fillsSince(symbol: string, since: number): Promise<VenueFill[]>;
  /** Free + locked balance per asset (spot), as the venue reports it now. */
  balances(): Promise<Record<string, number>>;
  /** The venue's clock (epoch ms). */
  time(): Promise<number>;
  close(): Promise<void>;
}

export interface PlaceOrderRequest {
  clientOrderId: string;
  /** Unified symbol, e.g. BTC/USDT. */
  symbol: string;
  side: Side;
  quantity: number;
  type: 'market' | 'limit';
  limitPrice?: number;
}

export type VenueOrderStatus = 'open' | 'closed' | 'canceled' | 'rejected' | 'expired';

export interface VenueOrder {
  clientOrderId: string;
  venueOrderId: string;
  symbol: string;
  side: Side;
  type: 'market' | 'limit';
  quantity: number;
  filled: number;
  /** Volume-weighted fill price so far (NaN before any fill). */
  averagePrice: number;
  limitPrice?: number;
  /** open: working (maybe partly filled); closed: fully filled. */
  status: VenueOrderStatus;
  time: number;
}

export interface VenueFill {
  /** The venue's trade id: unique per venue and symbol, the idempotency key of a stored fill. */
  tradeId: string;
  venueOrderId: string;
  /** Known when the venue reports it, or when the order is one of ours and was looked up. */
  clientOrderId?: string;
  symbol: string;
  side: Side;
  quantity: number;
  price: number;
  /** In the quote currency. */
  fee: number;
  time: number;
}

/**
 * Why a venue call failed, in the terms the gateway acts on:
 * - `rejected`: the venue refused the order for good (funds, filters, auth); retrying changes nothing;
 * - `unavailable`: the venue could not be reached or failed (network, 5xx, rate limit) before accepting
 *   anything we know of; a retry is safe because the client order id makes it idempotent;
 * - `unknown`: the outcome is unknown (a timeout after sending): the order may or may not exist, so it
 *   must be looked up by client order id, never assumed absent.
 */
export class VenueError extends Error {
  readonly kind: 'rejected' | 'unavailable' | 'unknown';
  /**
   * The message and the cause are redacted (`redactSignedQuery`): ccxt quotes a signed request's URL in its
   * errors, and these reach the journal, the order rows, the logs and workflow history.
   */
  constructor(kind: 'rejected' | 'unavailable' | 'unknown', message: string, options?: { cause?: unknown }) {
    super(redactSignedQuery(message), options && { cause: redactedError(options.cause) });
    this.name = 'VenueError';
    this.kind = kind;
  }
}

/**
 * A text with the values of a signed request's `signature`, `apiKey` and `timestamp` query parameters
 * replaced by `<redacted>`. The signature proves the key holder asked; with its timestamp it could be
 * replayed within the venue's recvWindow, and neither helps anyone reading why a call failed.
 */
export function redactSignedQuery(text: string): string {
  return text.replace(/([?&](?:signature|api_?key|timestamp)=)[^&\s"'<>]*/gi, '$1<redacted>');
}

/** A copy of an error (name, message, stack) that is safe to keep: see `redactSignedQuery`. */
function redactedError(err: unknown): unknown {
  if (!(err instanceof Error)) return err;
  const copy = new Error(redactSignedQuery(err.message));
  copy.name = err.name;
  copy.stack = err.stack === undefined ? undefined : redactSignedQuery(err.stack);
  return copy;
}
