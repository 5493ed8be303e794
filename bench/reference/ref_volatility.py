"""Reference implementations for the volatility, trend-band and volume indicator nodes.

Two kinds of function live here:
- thin wrappers that call TA-Lib and bundle several of its outputs for one node (ADX with +DI/-DI,
  Aroon with its oscillator, Bollinger Bands with %B and bandwidth derived from TA-Lib's bands);
- indicators TA-Lib does not have (Keltner, Donchian, SuperTrend, Ichimoku, VWAP, Chaikin Money Flow),
  written from their published formulas with numpy/pandas, windowed or vectorised, and deliberately not
  shaped like the incremental TypeScript nodes.

The EMA and ATR building blocks are written here with pandas and checked against TA-Lib on the input,
so the Keltner and SuperTrend references use the same EMA/ATR definitions as the EMA and ATR nodes.
"""
import numpy as np
import pandas as pd
import talib


# --- TA-Lib wrappers -------------------------------------------------------------------------------

def adx_di(high, low, close, timeperiod):
    """(ADX, +DI, -DI) from TA-Lib."""
    return (
        talib.ADX(high, low, close, timeperiod=timeperiod),
        talib.PLUS_DI(high, low, close, timeperiod=timeperiod),
        talib.MINUS_DI(high, low, close, timeperiod=timeperiod),
    )


def aroon(high, low, timeperiod):
    """(up, down, oscillator) from TA-Lib's AROON and AROONOSC."""
    down, up = talib.AROON(high, low, timeperiod=timeperiod)
    return up, down, talib.AROONOSC(high, low, timeperiod=timeperiod)


def bbands(close, timeperiod, nbdev):
    """(upper, middle, lower, %B, bandwidth): TA-Lib BBANDS (SMA, population stdev) plus the two
    derived series. %B is 0.5 where the bands coincide (the node's documented convention)."""
    upper, middle, lower = talib.BBANDS(close, timeperiod=timeperiod, nbdevup=nbdev, nbdevdn=nbdev, matype=0)
    width = upper - lower
    with np.errstate(divide="ignore", invalid="ignore"):
        percent_b = np.where(width == 0, 0.5, (close - lower) / width)
        bandwidth = np.where(middle == 0, np.nan, width / middle)
    percent_b[np.isnan(width)] = np.nan
    return upper, middle, lower, percent_b, bandwidth


# --- building blocks ---------------------------------------------------------------------------------

def _ema(x, n):
    """EMA with k = 2/(n+1), seeded with the mean of the first n values at index n-1 (TA-Lib's EMA)."""
    x = pd.Series(x, dtype=float)
    seeded = x.copy()
    seeded.iloc[: n - 1] = np.nan
    seeded.iloc[n - 1] = x.iloc[:n].mean()
    out = seeded.iloc[n - 1 :].ewm(alpha=2.0 / (n + 1), adjust=False).mean()
    result = np.full(len(x), np.nan)
    result[n - 1 :] = out.to_numpy()
    assert np.allclose(result, talib.EMA(x.to_numpy(), timeperiod=n), rtol=1e-12, atol=0, equal_nan=True)
    return result


def _atr(high, low, close, n):
    """Wilder's ATR: true range from bar 1, seeded with the mean of the first n TRs at index n."""
    h, l, c = (pd.Series(a, dtype=float) for a in (high, low, close))
    prev = c.shift(1)
    tr = pd.concat([h - l, (h - prev).abs(), (l - prev).abs()], axis=1).max(axis=1, skipna=False)
    tr.iloc[0] = np.nan
    seeded = tr.iloc[n:].copy()
    seeded.iloc[0] = tr.iloc[1 : n + 1].mean()
    out = seeded.ewm(alpha=1.0 / n, adjust=False).mean()
    result = np.full(len(h), np.nan)
    result[n:] = out.to_numpy()
    assert np.allclose(result, talib.ATR(high, low, close, timeperiod=n), rtol=1e-12, atol=0, equal_nan=True)
    return result


def _midpoint(high, low, n, shift=0):
    """(highest high + lowest low) / 2 over windows of n bars ending `shift` bars before each bar."""
    hi = pd.Series(high).rolling(n).max().shift(shift)
    lo = pd.Series(low).rolling(n).min().shift(shift)
    return hi.to_numpy(), lo.to_numpy(), ((hi + lo) / 2).to_numpy()


# --- indicators TA-Lib lacks -------------------------------------------------------------------------

def keltner(high, low, close, period, atr_period, multiplier):
    """(upper, middle, lower): EMA(close, period) +/- multiplier * ATR(atr_period)."""
    middle = _ema(close, period)
    band = multiplier * _atr(high, low, close, atr_period)
    return middle + band, middle, middle - band


def donchian(high, low, period, include_current):
    """(upper, middle, lower) over the last `period` bars, this one included or not."""
    upper, lower, middle = _midpoint(high, low, period, shift=0 if include_current else 1)
    return upper, middle, lower


def supertrend(high, low, close, period, multiplier):
    """(line, direction, bullish) with the classic final-band rules:
      final upper = basic upper if basic upper < previous final upper or previous close > previous final upper,
                    else previous final upper (mirror for the lower band);
      the trend turns up when close > final upper, down when close < final lower;
      the first bar with an ATR is a downtrend."""
    atr = _atr(high, low, close, period)
    hl2 = (np.asarray(high) + np.asarray(low)) / 2
    basic_upper = hl2 + multiplier * atr
    basic_lower = hl2 - multiplier * atr
    n = len(close)
    line = np.full(n, np.nan)
    direction = np.full(n, np.nan)
    first = int(np.argmax(~np.isnan(atr)))
    fu, fl, d = basic_upper[first], basic_lower[first], -1
    line[first], direction[first] = fu, d
    for t in range(first + 1, n):
        prev_fu, prev_fl = fu, fl
        fu = basic_upper[t] if (basic_upper[t] < prev_fu or close[t - 1] > prev_fu) else prev_fu
        fl = basic_lower[t] if (basic_lower[t] > prev_fl or close[t - 1] < prev_fl) else prev_fl
        if d == -1 and close[t] > fu:
            d = 1
        elif d == 1 and close[t] < fl:
            d = -1
        line[t] = fl if d == 1 else fu
        direction[t] = d
    bullish = np.where(np.isnan(direction), np.nan, (direction == 1).astype(float))
    return line, direction, bullish


def ichimoku(high, low, close, tenkan, kijun, senkou_b):
    """(tenkan, kijun, senkouA, senkouB, chikou), all as known at each bar's close: no displacement."""
    t = _midpoint(high, low, tenkan)[2]
    k = _midpoint(high, low, kijun)[2]
    b = _midpoint(high, low, senkou_b)[2]
    return t, k, (t + k) / 2, b, np.asarray(close, dtype=float)


def vwap(time, high, low, close, volume, session):
    """Cumulative typical-price VWAP per session ('day': UTC calendar day of the bar's open time)."""
    df = pd.DataFrame({"tp": (np.asarray(high) + np.asarray(low) + np.asarray(close)) / 3, "v": volume})
    df["pv"] = df.tp * df.v
    key = (pd.Series(time) // 86_400_000) if session == "day" else pd.Series(0, index=df.index)
    g = df.groupby(key.to_numpy())
    pv, v = g.pv.cumsum(), g.v.cumsum()
    plain = g.tp.cumsum() / (g.cumcount() + 1)
    return np.where(v > 0, pv / v.where(v > 0, 1), plain)


def cmf(high, low, close, volume, period):
    """Chaikin Money Flow: sum of money-flow volume / sum of volume over `period` bars (0 with no volume)."""
    h, l, c, v = (np.asarray(a, dtype=float) for a in (high, low, close, volume))
    rng = h - l
    with np.errstate(divide="ignore", invalid="ignore"):
        mfv = np.where(rng > 0, ((c - l) - (h - c)) / rng * v, 0.0)
    out = np.full(len(h), np.nan)
    for t in range(period - 1, len(h)):
        vol = v[t - period + 1 : t + 1].sum()
        out[t] = 0.0 if vol == 0 else mfv[t - period + 1 : t + 1].sum() / vol
    return out
