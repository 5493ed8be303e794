"""Reference implementations of the rolling statistics nodes that TA-Lib lacks (or lacks in this form).

Each function takes whole numpy series and returns whole series (or a tuple of them), NaN where the
window is not full yet. They are written window by window from the published formulas with
numpy/pandas/statsmodels, for clarity rather than speed, and are independent of the TypeScript nodes.

Conventions shared with the nodes (stated in their docs):
- a window is "flat" when all its values are identical (max == min); statistics that would divide by a
  zero spread read 0 (z-score, correlation, R²), and estimators that are undefined read NaN (Hurst,
  variance ratio, ADF);
- returns are computed bar to bar from the price input; log returns are log(p_t) − log(p_{t−1}).
"""
import numpy as np
import pandas as pd
from numpy.lib.stride_tricks import sliding_window_view
from statsmodels.tsa.stattools import adfuller


def _windows(x, size):
    """Rows of `size` consecutive values; row j ends at index j + size − 1."""
    return sliding_window_view(np.asarray(x, dtype=np.float64), size)


def _flat(w):
    return np.ptp(w) == 0


def rolling_std(x, period, ddof):
    """Standard deviation of the last `period` values: ddof=0 population, ddof=1 sample."""
    out = np.full(len(x), np.nan)
    for j, w in enumerate(_windows(x, period)):
        out[j + period - 1] = 0.0 if _flat(w) else np.std(w, ddof=ddof)
    return out


def zscore(x, period, ddof):
    """(x_t − mean) / std over the last `period` values including x_t; 0 when the window is flat."""
    out = np.full(len(x), np.nan)
    for j, w in enumerate(_windows(x, period)):
        out[j + period - 1] = 0.0 if _flat(w) else (w[-1] - w.mean()) / np.std(w, ddof=ddof)
    return out


def percent_rank(x, period, ties):
    """Share (0–100) of the `period` values before x_t that lie below x_t.

    ties: "half" counts an equal value as half below, "below" counts only strictly smaller values,
    "atOrBelow" counts equal values as below.
    """
    x = np.asarray(x, dtype=np.float64)
    out = np.full(len(x), np.nan)
    weight = {"half": 0.5, "below": 0.0, "atOrBelow": 1.0}[ties]
    for t in range(period, len(x)):
        prev = x[t - period:t]
        below = np.sum(prev < x[t]) + weight * np.sum(prev == x[t])
        out[t] = 100.0 * below / period
    return out


def linreg_r2(x, period):
    """R² of the least-squares line through the last `period` values against time; 0 when flat."""
    out = np.full(len(x), np.nan)
    t = np.arange(period, dtype=np.float64)
    for j, w in enumerate(_windows(x, period)):
        out[j + period - 1] = 0.0 if _flat(w) else np.corrcoef(t, w)[0, 1] ** 2
    return out


def hurst(close, window, max_lag):
    """Hurst exponent by the variance of lagged differences of log prices.

    Over the last `window` log prices y, for each lag τ = 2..L with L = min(max_lag, window // 2):
    V(τ) = population variance (mean removed) of the window − τ differences y[i+τ] − y[i].
    H = ½ · OLS slope of log V(τ) on log τ (since Var ∝ τ^{2H}). NaN when any lag's differences are
    all identical (a flat stretch), since log V is then undefined.
    """
    y = np.log(np.asarray(close, dtype=np.float64))
    lags = np.arange(2, min(max_lag, window // 2) + 1)
    out = np.full(len(y), np.nan)
    for j, w in enumerate(_windows(y, window)):
        diffs = [w[tau:] - w[:-tau] for tau in lags]
        if any(_flat(d) for d in diffs):
            continue
        v = np.array([np.var(d) for d in diffs])
        out[j + window - 1] = np.polyfit(np.log(lags), np.log(v), 1)[0] / 2
    return out


def variance_ratio(close, q, n, robust):
    """Lo–MacKinlay (1988) variance ratio VR(q) over a window of nq log returns, and its z-statistic.

    With log prices X_0..X_{nq} (the last nq + 1 prices):
      μ = (X_nq − X_0) / nq
      σa² = Σ_{k=1..nq} (X_k − X_{k−1} − μ)² / (nq − 1)
      σc² = Σ_{k=q..nq} (X_k − X_{k−q} − qμ)² / m,   m = q (nq − q + 1)(1 − q/nq)
      VR = σc² / σa²
    Homoskedastic z = (VR − 1) / sqrt(2(2q − 1)(q − 1) / (3q·nq)).
    Heteroskedasticity-robust z* = sqrt(nq)(VR − 1) / sqrt(θ), θ = Σ_{j=1..q−1} (2(q − j)/q)² δ_j,
      δ_j = nq Σ_{k=j+1..nq} (ΔX_k − μ)²(ΔX_{k−j} − μ)² / [Σ_{k=1..nq} (ΔX_k − μ)²]².
    NaN when all returns in the window are identical (VR undefined), and z NaN when θ is 0.
    """
    X = np.log(np.asarray(close, dtype=np.float64))
    nq = n * q
    vr = np.full(len(X), np.nan)
    z = np.full(len(X), np.nan)
    m = q * (nq - q + 1) * (1 - q / nq)
    for j, w in enumerate(_windows(X, nq + 1)):
        t = j + nq
        r = np.diff(w)
        if _flat(r):
            continue
        mu = (w[-1] - w[0]) / nq
        dev = r - mu
        sa = np.sum(dev**2) / (nq - 1)
        sc = np.sum((w[q:] - w[:-q] - q * mu) ** 2) / m
        vr[t] = sc / sa
        if robust:
            denom = np.sum(dev**2) ** 2
            theta = 0.0
            for lag in range(1, q):
                delta = nq * np.sum(dev[lag:] ** 2 * dev[:-lag] ** 2) / denom
                theta += (2 * (q - lag) / q) ** 2 * delta
            z[t] = np.sqrt(nq) * (vr[t] - 1) / np.sqrt(theta) if theta > 0 else np.nan
        else:
            z[t] = (vr[t] - 1) / np.sqrt(2 * (2 * q - 1) * (q - 1) / (3 * q * nq))
    return vr, z


def adf(x, window, lags):
    """Rolling ADF t-statistic: statsmodels adfuller(window, maxlag=lags, autolag=None, regression='c')[0].

    NaN for a constant window (adfuller's regression is singular there).
    """
    out = np.full(len(x), np.nan)
    for j, w in enumerate(_windows(x, window)):
        if _flat(w):
            continue
        out[j + window - 1] = adfuller(w, maxlag=lags, autolag=None, regression="c")[0]
    return out


def autocorr(close, window, lag, kind):
    """Lag-k autocorrelation of returns: Pearson correlation of r_s and r_{s−k} over the last `window` returns.

    The pairs are (r_s, r_{s−k}) with both inside the window (window − k pairs), each side with its own
    mean (pandas Series.autocorr). 0 when either side is constant.
    """
    p = pd.Series(np.asarray(close, dtype=np.float64))
    r = np.log(p).diff() if kind == "log" else p.pct_change()
    r = r.to_numpy()
    out = np.full(len(r), np.nan)
    for t in range(window, len(r)):
        w = r[t - window + 1:t + 1]
        if _flat(w[lag:]) or _flat(w[:-lag]):
            out[t] = 0.0
        else:
            out[t] = pd.Series(w).autocorr(lag)
    return out
