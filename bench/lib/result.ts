/** What every implementation's process prints: one JSON line. */
export interface PeerTrade {
  entryTime: number;
  exitTime: number;
  entryPrice: number;
  exitPrice: number;
  quantity: number;
  /** Still open at the last bar (marked at its close). */
  open: boolean;
}

export interface PeerResult {
  impl: string;
  strategy: 's1' | 's2';
  status: 'ok' | 'unsupported' | 'error';
  /** Why it did not run (status other than ok). */
  reason?: string;
  /** Library and version, e.g. "backtrader 1.9.78.123". */
  version: string;
  bars: number;
  /** Reading the bars file into the implementation's own structures; not part of bars/s. */
  loadMs: number;
  /** One run on the first bars, before the timed run (JIT compilation: V8, numba); not part of bars/s. */
  warmupMs: number;
  /**
   * The timed run (indicators, signals, fills, accounting, trades, final equity): the best of the
   * process's full runs after the warm-up (`innerRuns` of them), the warm figure.
   */
  runMs: number;
  /** The first full run after the warm-up, with whatever the JIT had not yet compiled. */
  firstRunMs: number;
  innerRuns: number;
  /** Resident set after imports and the data load. */
  rssAfterLoadMB: number;
  /** The process's RSS high-water mark (getrusage ru_maxrss). */
  peakRssMB: number;
  finalEquity: number;
  /** Closed trades. */
  trades: number;
  openTrade: boolean;
  tradeList?: PeerTrade[];
}
