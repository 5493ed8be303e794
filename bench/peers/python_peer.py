"""One Python peer in its own process, so its peak RSS is its own.

    python bench/peers/python_peer.py <vectorbt|vectorbt-rust|backtesting|backtrader> <bars file> <spec json> [--trades]

Loads the bars file written by bench/lib/data.ts (timed as load, together with building the frame or
feed the library wants), runs once on the first BENCH_WARMUP_BARS bars (numba compilation and other
first-call costs, timed apart), then once on all bars (the run time), and prints one JSON line with
the fields of bench/lib/result.ts.

Each peer states the same rules as the Tradeloom graphs (bench/lib/strategies.ts); where a library
cannot express a rule exactly, the comment at that spot says how it is approximated.
"""

import json
import os
import resource
import sys
import time
import warnings

import numpy as np

MAGIC = b"TLBARS1\n"
FIELDS = ("time", "open", "high", "low", "close", "volume")


def read_bars(path):
    with open(path, "rb") as f:
        head = f.read(16)
    if head[:8] != MAGIC:
        raise SystemExit(f"{path}: not a bench bars file")
    n = int.from_bytes(head[8:16], "little")
    flat = np.fromfile(path, dtype="<f8", offset=16)
    if flat.size != 6 * n:
        raise SystemExit(f"{path}: truncated")
    cols = flat.reshape(6, n)
    return {k: cols[i] for i, k in enumerate(FIELDS)}


def rss_now_mb():
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def frame(b):
    import pandas as pd

    idx = pd.to_datetime(b["time"].astype("int64"), unit="ms")
    return pd.DataFrame(
        {"Open": b["open"], "High": b["high"], "Low": b["low"], "Close": b["close"], "Volume": b["volume"]},
        index=idx,
    )


def wilder(x, n, first):
    """Wilder smoothing of x from index `first`: seeded with the mean of n values, then (prev*(n-1)+x)/n.

    The seed lands at index first+n-1, as TA-Lib's RSI and ATR (and Tradeloom's nodes) do."""
    import pandas as pd

    out = np.full(x.size, np.nan)
    seed_at = first + n - 1
    if seed_at >= x.size:
        return out
    s = np.empty(x.size - seed_at)
    s[0] = x[first : seed_at + 1].mean()
    s[1:] = x[seed_at + 1 :]
    out[seed_at:] = pd.Series(s).ewm(alpha=1.0 / n, adjust=False).mean().to_numpy()
    return out


def rsi_wilder(close, n):
    ch = np.diff(close, prepend=np.nan)
    gain = wilder(np.where(ch > 0, ch, 0.0), n, 1)
    loss = wilder(np.where(ch < 0, -ch, 0.0), n, 1)
    total = gain + loss
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(total == 0, 50.0, 100.0 * gain / total)


def atr_wilder(high, low, close, n):
    prev = np.concatenate(([np.nan], close[:-1]))
    tr = np.maximum(high - low, np.maximum(np.abs(prev - high), np.abs(prev - low)))
    return wilder(tr, n, 1)


def sma_pair(close, fast, slow):
    import pandas as pd

    c = pd.Series(close)
    return c.rolling(fast).mean().to_numpy(), c.rolling(slow).mean().to_numpy()


def crosses(f, s):
    """Tradeloom's logic.crossover: A <= B on the previous bar and A > B now (NaN compares false)."""
    fp = np.concatenate(([np.nan], f[:-1]))
    sp = np.concatenate(([np.nan], s[:-1]))
    with np.errstate(invalid="ignore"):
        return (fp <= sp) & (f > s), (fp >= sp) & (f < s)


# ---------------------------------------------------------------- vectorbt


def vectorbt_prepare(b):
    import pandas as pd

    idx = pd.to_datetime(b["time"].astype("int64"), unit="ms")
    return {k: pd.Series(b[k], index=idx) for k in ("open", "high", "low", "close")}


def vectorbt_run(d, spec, engine):
    import pandas as pd
    import vectorbt as vbt

    close = d["close"]
    if spec["strategy"] == "s1":
        fast = vbt.MA.run(close, spec["fast"], engine=engine).ma.to_numpy()
        slow = vbt.MA.run(close, spec["slow"], engine=engine).ma.to_numpy()
        up, down = crosses(fast, slow)
        # Decided at the close of bar t, filled at the open of t+1: shift the signals, trade at the open.
        entries = pd.Series(np.concatenate(([False], up[:-1])), index=close.index)
        exits = pd.Series(np.concatenate(([False], down[:-1])), index=close.index)
        slip = spec["slippageBps"] / 1e4
        pf = vbt.Portfolio.from_signals(
            close, entries, exits, price=d["open"], size=spec["units"], size_type="amount",
            fees=spec["commissionBps"] / 1e4, slippage=slip, init_cash=spec["initialCash"], freq="1min", engine=engine,
        )
        fill_bar = lambda r: (int(r["entry_idx"]), int(r["exit_idx"]))
    else:
        c = close.to_numpy()
        o = d["open"].to_numpy()
        # vectorbt checks stops from the bar after the entry's bar, while the engine protects a position
        # from the bar it opened at the open. This data opens every bar at the previous close, so an
        # order filled "at the close of t" is an order filled at the open of t+1, and its stops are
        # then checked from t+1, as in the engine: the peer trades at the signal bar's close.
        assert np.array_equal(o[1:], c[:-1]), "S2 vectorbt peer needs bars that open at the previous close"
        rsi = rsi_wilder(c, spec["rsiPeriod"])
        atr = atr_wilder(d["high"].to_numpy(), d["low"].to_numpy(), c, spec["atrPeriod"])
        with np.errstate(invalid="ignore"):
            event = np.where(rsi < spec["enterBelow"], 1.0, np.where(rsi > spec["exitAbove"], 0.0, np.nan))
        intent = pd.Series(event).ffill().fillna(0.0).to_numpy() == 1.0
        was = np.concatenate(([False], intent[:-1]))
        entries = intent & ~was
        exits = ~intent & was
        sl_level = c - spec["stopAtr"] * atr
        tick = spec["slippageTicks"] * spec["tickSize"]
        # Slippage is relative in vectorbt: tick / price at the order bar for market orders; on other
        # bars the only fills are protective exits, so tick / the active stop level makes the stop fill
        # at stop - 1 tick. The take-profit shares that setting (the engine gives it no slippage).
        active_sl = pd.Series(np.where(entries, sl_level, np.nan)).ffill().to_numpy()
        slippage = np.where(entries | exits | np.isnan(active_sl), tick / c, tick / active_sl)
        pf = vbt.Portfolio.from_signals(
            close, pd.Series(entries, index=close.index), pd.Series(exits, index=close.index),
            price=close, size=spec["units"], size_type="amount", fees=spec["commissionBps"] / 1e4, slippage=slippage,
            open=d["open"], high=d["high"], low=d["low"],
            sl_stop=spec["stopAtr"] * atr / c, tp_stop=spec["takeProfitAtr"] * atr / c,
            stop_entry_price="price", stop_exit_price="stopmarket",
            init_cash=spec["initialCash"], freq="1min", engine=engine,
        )

        def fill_bar(r):
            # Orders at the close of t are the engine's fills at the open of t+1; stop exits are on their bar.
            x = int(r["exit_idx"])
            signal_exit = bool(exits[x]) and abs(r["exit_price"] - c[x] * (1 - slippage[x])) <= 1e-9 * c[x]
            return int(r["entry_idx"]) + 1, x + 1 if signal_exit else x

    last = len(close) - 1
    trades = []
    for r in pf.trades.values:
        is_open = int(r["status"]) == 0
        e, x = fill_bar(r)
        trades.append({"entryBar": e, "exitBar": last if is_open else x, "entryPrice": float(r["entry_price"]),
                       "exitPrice": float(r["exit_price"]), "quantity": float(r["size"]), "open": is_open})
    return float(pf.final_value()), trades


# ---------------------------------------------------------------- backtesting.py


def backtesting_run(df, spec):
    from backtesting import Backtest, Strategy

    if spec["strategy"] == "s1":
        fast_n, slow_n, units = spec["fast"], spec["slow"], spec["units"]

        class S1(Strategy):
            def init(self):
                close = self.data.Close
                self.fast = self.I(lambda c: sma_pair(np.asarray(c), fast_n, slow_n)[0], close)
                self.slow = self.I(lambda c: sma_pair(np.asarray(c), fast_n, slow_n)[1], close)

            def next(self):
                f, s = self.fast, self.slow
                if f[-2] >= s[-2] and f[-1] < s[-1]:
                    if self.position:
                        self.position.close()
                elif f[-2] <= s[-2] and f[-1] > s[-1]:
                    if not self.position:
                        self.buy(size=units)

        # Slippage: backtesting.py's `spread` adjusts the entry price only (trades close at the raw
        # price), so two-sided slippage cannot be stated; S1 runs without slippage (see benchmarks.md).
        bt = Backtest(df, S1, cash=spec["initialCash"], commission=spec["commissionBps"] / 1e4, spread=0.0,
                      margin=1.0, trade_on_close=False, hedging=False, exclusive_orders=True, finalize_trades=False)
    else:
        sp = spec
        tick = sp["slippageTicks"] * sp["tickSize"]
        rate = sp["commissionBps"] / 1e4

        class S2(Strategy):
            def init(self):
                d = self.data
                self.rsi = self.I(lambda c: rsi_wilder(np.asarray(c), sp["rsiPeriod"]), d.Close)
                self.atr = self.I(lambda h, l, c: atr_wilder(np.asarray(h), np.asarray(l), np.asarray(c), sp["atrPeriod"]),
                                  d.High, d.Low, d.Close)
                self.intent = False

            def next(self):
                rsi = self.rsi[-1]
                if self.intent:
                    if rsi > sp["exitAbove"]:
                        self.intent = False
                        if self.position:
                            self.position.close()
                elif rsi < sp["enterBelow"]:
                    self.intent = True
                    c, atr = self.data.Close[-1], self.atr[-1]
                    self.buy(size=sp["units"], sl=c - sp["stopAtr"] * atr, tp=c + sp["takeProfitAtr"] * atr)

        # One tick of slippage per fill, charged as a per-unit fee (spread would only touch entries):
        # the cash is the engine's up to 5 bps of a tick, but the take-profit pays it too.
        bt = Backtest(df, S2, cash=sp["initialCash"], commission=lambda size, price: abs(size) * (price * rate + tick),
                      spread=0.0, margin=1.0, trade_on_close=False, hedging=False, exclusive_orders=False,
                      finalize_trades=False)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        stats = bt.run()
    t = stats["_trades"]
    trades = [
        {"entryBar": int(e), "exitBar": int(x), "entryPrice": float(ep), "exitPrice": float(xp), "quantity": float(abs(sz)), "open": False}
        for e, x, ep, xp, sz in zip(t["EntryBar"], t["ExitBar"], t["EntryPrice"], t["ExitPrice"], t["Size"])
    ]
    last = len(df) - 1
    for tr in stats["_strategy"].trades:
        trades.append({"entryBar": int(tr.entry_bar), "exitBar": last, "entryPrice": float(tr.entry_price),
                       "exitPrice": float(df["Close"].iloc[-1]), "quantity": float(abs(tr.size)), "open": True})
    return float(stats["Equity Final [$]"]), trades


# ---------------------------------------------------------------- backtrader


def backtrader_run(df, spec):
    import backtrader as bt

    fills = []  # (bar, signed size, price)

    class Base(bt.Strategy):
        def notify_order(self, order):
            if order.status == order.Completed:
                fills.append((len(self.data) - 1, order.executed.size, order.executed.price))

    if spec["strategy"] == "s1":
        class S1(Base):
            def __init__(self):
                self.fast = bt.indicators.SMA(self.data.close, period=spec["fast"])
                self.slow = bt.indicators.SMA(self.data.close, period=spec["slow"])

            def next(self):
                f0, f1, s0, s1_ = self.fast[-1], self.fast[0], self.slow[-1], self.slow[0]
                if f0 >= s0 and f1 < s1_:
                    if self.position:
                        self.close()
                elif f0 <= s0 and f1 > s1_:
                    if not self.position:
                        self.buy(size=spec["units"])

        strat = S1
    else:
        sp = spec

        class S2(Base):
            def __init__(self):
                self.rsi = bt.indicators.RSI(self.data.close, period=sp["rsiPeriod"])
                self.atr = bt.indicators.ATR(self.data, period=sp["atrPeriod"])
                self.intent = False
                self.bracket = []

            def next(self):
                rsi = self.rsi[0]
                if self.intent:
                    if rsi > sp["exitAbove"]:
                        self.intent = False
                        if self.position:
                            for o in self.bracket:
                                self.cancel(o)
                            self.close()
                elif rsi < sp["enterBelow"]:
                    self.intent = True
                    c, atr = self.data.close[0], self.atr[0]
                    # Not buy_bracket: its stop and limit children wait for the bar after the parent fills,
                    # while Tradeloom (and backtesting.py) protect a position from the bar it opened at the
                    # open. Three plain orders submitted together do that: the market entry fills at the
                    # open, then the stop, then the limit (stop side first, as in Tradeloom) are checked
                    # against the same bar; the exits cancel each other (OCO).
                    buy = self.buy(size=sp["units"], exectype=bt.Order.Market)
                    stop = self.sell(size=sp["units"], exectype=bt.Order.Stop, price=c - sp["stopAtr"] * atr)
                    limit = self.sell(size=sp["units"], exectype=bt.Order.Limit, price=c + sp["takeProfitAtr"] * atr, oco=stop)
                    self.bracket = [stop, limit]

        strat = S2
    cerebro = bt.Cerebro(stdstats=False)
    cerebro.adddata(bt.feeds.PandasData(dataname=df))
    cerebro.addstrategy(strat)
    cerebro.broker.setcash(spec["initialCash"])
    cerebro.broker.setcommission(commission=spec["commissionBps"] / 1e4)
    if spec["strategy"] == "s1":
        if spec["slippageBps"]:
            cerebro.broker.set_slippage_perc(spec["slippageBps"] / 1e4, slip_open=True, slip_limit=False, slip_match=True, slip_out=True)
    else:
        cerebro.broker.set_slippage_fixed(spec["slippageTicks"] * spec["tickSize"], slip_open=True, slip_limit=False,
                                          slip_match=True, slip_out=True)
    cerebro.run()
    final = float(cerebro.broker.getvalue())
    trades, pos, entry = [], 0.0, None
    for bar, size, price in fills:
        if pos == 0:
            entry = (bar, price)
        else:
            trades.append({"entryBar": entry[0], "exitBar": bar, "entryPrice": entry[1], "exitPrice": price, "quantity": abs(pos), "open": False})
        pos += size
    if pos != 0:
        trades.append({"entryBar": entry[0], "exitBar": len(df) - 1, "entryPrice": entry[1],
                       "exitPrice": float(df["Close"].iloc[-1]), "quantity": abs(pos), "open": True})
    return final, trades


# ---------------------------------------------------------------- main


def main():
    impl, path, spec_json = sys.argv[1:4]
    with_trades = "--trades" in sys.argv
    warm_n = int(os.environ.get("BENCH_WARMUP_BARS", "20000"))
    spec = json.loads(spec_json)
    warnings.simplefilter("ignore")

    if impl in ("vectorbt", "vectorbt-rust"):
        import vectorbt as vbt

        engine = "rust" if impl == "vectorbt-rust" else "numba"
        extra = ""
        if engine == "rust":
            import vectorbt_rust

            extra = f" + vectorbt-rust {vectorbt_rust.__version__}"
        version = f"vectorbt {vbt.__version__}{extra} (engine={engine})"
        prepare = vectorbt_prepare
        run = lambda d: vectorbt_run(d, spec, engine)
        cut = lambda d, k: {key: v.iloc[:k] for key, v in d.items()}
    elif impl == "backtesting":
        import backtesting

        version = f"backtesting.py {backtesting.__version__}"
        prepare = frame
        run = lambda d: backtesting_run(d, spec)
        cut = lambda d, k: d.iloc[:k]
    elif impl == "backtrader":
        import backtrader

        version = f"backtrader {backtrader.__version__}"
        prepare = frame
        run = lambda d: backtrader_run(d, spec)
        cut = lambda d, k: d.iloc[:k]
    else:
        print(json.dumps({"impl": impl, "strategy": spec["strategy"], "status": "unsupported", "reason": f"unknown peer {impl}", "version": ""}))
        return

    t0 = time.perf_counter()
    b = read_bars(path)
    d = prepare(b)
    load_ms = (time.perf_counter() - t0) * 1e3
    rss_after_load = rss_now_mb()
    n = b["close"].size

    t1 = time.perf_counter()
    if warm_n > 0:
        run(cut(d, min(n, warm_n)))
    warm_ms = (time.perf_counter() - t1) * 1e3

    # The full run repeated, as in bench/peers/node.ts: the best is the warm run time, the first is reported too.
    inner_runs = max(1, int(os.environ.get("BENCH_INNER_RUNS", "8")))
    inner_budget_ms = float(os.environ.get("BENCH_INNER_BUDGET_MS", "10000"))
    times = []
    while len(times) < inner_runs and (not times or sum(times) < inner_budget_ms):
        t2 = time.perf_counter()
        final, trades = run(d)
        times.append((time.perf_counter() - t2) * 1e3)
    run_ms = min(times)

    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    closed = [t for t in trades if not t["open"]]
    out = {
        "impl": impl, "strategy": spec["strategy"], "status": "ok", "version": version, "bars": n,
        "loadMs": load_ms, "warmupMs": warm_ms, "runMs": run_ms, "firstRunMs": times[0], "innerRuns": len(times), "rssAfterLoadMB": rss_after_load, "peakRssMB": peak,
        "finalEquity": final, "trades": len(closed), "openTrade": len(closed) != len(trades),
    }
    if with_trades:
        tm = b["time"]
        out["tradeList"] = [
            {"entryTime": float(tm[t["entryBar"]]), "exitTime": float(tm[t["exitBar"]]), "entryPrice": t["entryPrice"],
             "exitPrice": t["exitPrice"], "quantity": t["quantity"], "open": t["open"]}
            for t in trades
        ]
    print(json.dumps(out))


if __name__ == "__main__":
    main()
