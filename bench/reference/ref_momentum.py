"""Reference implementations for the moving-average and momentum nodes where TA-Lib lacks the indicator
(HMA, VWMA, KAMA with non-default fast/slow constants) or where the node documents a different reading of
a flat window than TA-Lib (Stochastic, StochRSI, Williams %R, MFI).

Each function takes whole numpy series and returns whole series (or a tuple of them), NaN where the
node has no value yet. They are written from the published formulas with numpy/pandas, window by window
where that is clearer, and are independent of the TypeScript nodes.

Flat-window convention (stated in the nodes' caveats): when a window has no range at all (highest high
equals lowest low; or no money flowed either way; or RSI did not move), the bounded oscillators read
their midpoint (Stochastic and StochRSI 50, Williams %R −50, MFI 50) where TA-Lib reads 0. Those wrappers
run TA-Lib's own building blocks and replace only the flat bars before the smoothing, and check that
without the replacement they reproduce the TA-Lib function exactly.
"""
import math

import numpy as np
import pandas as pd
import talib
from numpy.lib.stride_tricks import sliding_window_view


def _f64(x):
    return np.asarray(x, dtype=np.float64)


def _windows(x, size):
    """Rows of `size` consecutive values; row j ends at index j + size − 1."""
    return sliding_window_view(_f64(x), size)


def wma(x, period):
    """Linearly weighted average: weights 1..period, the newest value weighing most."""
    weights = np.arange(1, period + 1, dtype=np.float64)
    return pd.Series(_f64(x)).rolling(period).apply(lambda w: np.dot(w, weights) / weights.sum(), raw=True).to_numpy()


def hma(x, period):
    """Hull moving average (Alan Hull, 2005): WMA(2·WMA(x, ⌊n/2⌋) − WMA(x, n), ⌊√n⌋)."""
    raw = 2 * wma(x, period // 2) - wma(x, period)
    return wma(raw, int(math.isqrt(period)))


_PRICES = {
    "close": lambda o, h, l, c: c,
    "hl2": lambda o, h, l, c: (h + l) / 2,
    "hlc3": lambda o, h, l, c: (h + l + c) / 3,
    "ohlc4": lambda o, h, l, c: (o + h + l + c) / 4,
}


def vwma(open_, high, low, close, volume, period, source):
    """Σ price·volume / Σ volume over the last `period` bars; the plain mean of the prices when no volume traded."""
    price = pd.Series(_PRICES[source](_f64(open_), _f64(high), _f64(low), _f64(close)))
    vol = pd.Series(_f64(volume))
    pv = (price * vol).rolling(period).sum()
    v = vol.rolling(period).sum()
    out = pv / v
    return out.where(v != 0, price.rolling(period).mean()).to_numpy()


def kama(close, period, fast, slow):
    """Kaufman's adaptive moving average, seeded as TA-Lib seeds it.

    ER_t = |x_t − x_{t−n}| / Σ|x_i − x_{i−1}| over the last n changes (1 when the window never moved),
    sc = (ER·(2/(fast+1) − 2/(slow+1)) + 2/(slow+1))², KAMA_t = KAMA_{t−1} + sc·(x_t − KAMA_{t−1}),
    with KAMA_{n−1} taken as x_{n−1} so the first value is at index n.
    """
    x = _f64(close)
    fast, slow = min(fast, slow), max(fast, slow)
    fast_sc, slow_sc = 2 / (fast + 1), 2 / (slow + 1)
    s = pd.Series(x)
    direction = (s - s.shift(period)).abs().to_numpy()
    volatility = s.diff().abs().rolling(period).sum().to_numpy()
    moved = (s.diff() != 0).astype(float).where(s.diff().notna()).rolling(period).sum().to_numpy()
    out = np.full(len(x), np.nan)
    prev = np.nan
    for t in range(period, len(x)):
        er = 1.0 if moved[t] == 0 or volatility[t] <= direction[t] else direction[t] / volatility[t]
        sc = (er * (fast_sc - slow_sc) + slow_sc) ** 2
        prev = x[t - 1] if t == period else prev
        prev = prev + sc * (x[t] - prev)
        out[t] = prev
    return out


def kama_checked(close, period, fast, slow):
    """`kama`, after checking that with Kaufman's 2/30 constants it agrees with TA-Lib's KAMA."""
    ours = kama(close, period, 2, 30)
    theirs = talib.KAMA(_f64(close), timeperiod=period)
    assert np.allclose(ours, theirs, rtol=1e-12, atol=1e-12, equal_nan=True), "kama() disagrees with TA-Lib KAMA"
    return kama(close, period, fast, slow)


def _flat_range(high, low, period):
    """True where the last `period` bars have no range (highest high == lowest low)."""
    hh = pd.Series(_f64(high)).rolling(period).max()
    ll = pd.Series(_f64(low)).rolling(period).min()
    return ((hh - ll) == 0).to_numpy()


def willr(high, low, close, period):
    """TA-Lib WILLR, reading −50 (mid-range) where the window has no range (TA-Lib: 0)."""
    out = talib.WILLR(_f64(high), _f64(low), _f64(close), timeperiod=period)
    return np.where(_flat_range(high, low, period), -50.0, out)


def _sma_after(x, period, start):
    """TA-Lib SMA of x, hidden before `start` (TA-Lib shows every output from the last one's start)."""
    out = talib.SMA(x, timeperiod=period)
    out[:start] = np.nan
    return out


def stoch(high, low, close, k_period, k_smoothing, d_period):
    """TA-Lib STOCH with SMA smoothing: raw %K from STOCHF, flat windows set to 50, then SMA, then SMA."""
    h, l, c = _f64(high), _f64(low), _f64(close)
    start = (k_period - 1) + (k_smoothing - 1) + (d_period - 1)

    def build(raw):
        k = talib.SMA(raw, timeperiod=k_smoothing) if k_smoothing > 1 else raw.copy()
        d = talib.SMA(k, timeperiod=d_period) if d_period > 1 else k.copy()
        k[:start] = np.nan
        d[:start] = np.nan
        return k, d

    raw, _ = talib.STOCHF(h, l, c, fastk_period=k_period, fastd_period=1, fastd_matype=0)
    k0, d0 = build(raw.copy())
    tk, td = talib.STOCH(h, l, c, fastk_period=k_period, slowk_period=k_smoothing, slowk_matype=0, slowd_period=d_period, slowd_matype=0)
    assert np.allclose(k0, tk, rtol=1e-12, atol=1e-9, equal_nan=True) and np.allclose(d0, td, rtol=1e-12, atol=1e-9, equal_nan=True), "STOCHF+SMA is not STOCH"
    raw[_flat_range(h, l, k_period)] = 50.0
    return build(raw)


def stochrsi(close, rsi_period, k_period, d_period):
    """TA-Lib STOCHRSI (fastk, fastd; fastd an SMA), reading 50 where RSI did not move over the window.

    RSI is mathematically constant while the price is flat (both Wilder averages decay by the same
    factor), but in floating point it wobbles in the last digits; a window whose RSI range is below 1e-9
    RSI points counts as flat.
    """
    x = _f64(close)
    rsi = talib.RSI(x, timeperiod=rsi_period)
    raw, _ = talib.STOCHF(rsi, rsi, rsi, fastk_period=k_period, fastd_period=1, fastd_matype=0)
    start = rsi_period + (k_period - 1) + (d_period - 1)

    def build(raw):
        k = raw.copy()
        d = talib.SMA(k, timeperiod=d_period) if d_period > 1 else k.copy()
        k[:start] = np.nan
        d[:start] = np.nan
        return k, d

    tk, td = talib.STOCHRSI(x, timeperiod=rsi_period, fastk_period=k_period, fastd_period=d_period, fastd_matype=0)
    k0, d0 = build(raw)
    assert np.allclose(k0, tk, rtol=1e-12, atol=1e-9, equal_nan=True) and np.allclose(d0, td, rtol=1e-12, atol=1e-9, equal_nan=True), "RSI+STOCHF+SMA is not STOCHRSI"
    r = pd.Series(rsi)
    flat = ((r.rolling(k_period).max() - r.rolling(k_period).min()) < 1e-9).to_numpy()
    raw = raw.copy()
    raw[flat] = 50.0
    return build(raw)


def mfi(high, low, close, volume, period):
    """Money Flow Index from the formula, reading 50 where no money flowed either way (TA-Lib: 0).

    Typical price (h+l+c)/3; raw flow = typical price × volume, positive when the typical price rose,
    negative when it fell, neither when unchanged; MFI = 100·Σpositive / (Σpositive + Σnegative) over the
    last `period` flows.
    """
    tp = pd.Series((_f64(high) + _f64(low) + _f64(close)) / 3)
    flow = tp * pd.Series(_f64(volume))
    change = tp.diff()
    pos = flow.where(change > 0, 0.0).where(change.notna())
    neg = flow.where(change < 0, 0.0).where(change.notna())
    p = pos.rolling(period).sum()
    n = neg.rolling(period).sum()
    moved = ((pos + neg) != 0).astype(float).where(change.notna()).rolling(period).sum()
    out = (100 * p / (p + n)).where(moved != 0, 50.0).where(moved.notna())
    out = out.to_numpy()
    theirs = talib.MFI(_f64(high), _f64(low), _f64(close), _f64(volume), timeperiod=period)
    agree = np.where(moved.to_numpy() == 0, True, np.isclose(out, theirs, rtol=1e-9, atol=1e-9, equal_nan=True))
    assert agree.all(), "mfi() disagrees with TA-Lib MFI outside flat windows"
    return out
