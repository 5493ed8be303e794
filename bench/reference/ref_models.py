"""Reference implementations for the math.* and model.* nodes, written from their definitions with
numpy/pandas and independent of the TypeScript: element-wise array operations, pandas shifts, and for
the models a fresh weighted least-squares solve per bar (numpy lstsq) and a plain-Python SGD loop over
pandas-computed features. Each function takes bar columns and returns one array (or a tuple of arrays)
aligned with the bars, NaN where the node has no value.
"""
import numpy as np
import pandas as pd


def arithmetic(a, b, operator="-"):
    """A op B element-wise; division by zero and any non-finite result are NaN (the node's rule)."""
    a = np.asarray(a, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    with np.errstate(all="ignore"):
        out = {
            "+": lambda: a + b,
            "-": lambda: a - b,
            "*": lambda: a * b,
            "/": lambda: np.where(b == 0, np.nan, a / np.where(b == 0, 1.0, b)),
            "min": lambda: np.minimum(a, b),
            "max": lambda: np.maximum(a, b),
            "pow": lambda: np.power(a, b),
        }[operator]()
    return np.where(np.isfinite(out), out, np.nan)


def lag(x, period=1):
    """x[t − period]."""
    return pd.Series(x).shift(period).to_numpy()


def clamp(x, lower=0.0, upper=100.0):
    lo, hi = min(lower, upper), max(lower, upper)
    return np.clip(np.asarray(x, dtype=np.float64), lo, hi)


def linear_forecast(y, *xs, horizon=1, forgetting=0.99, min_samples=20):
    """Forecast of y[t + horizon] made at bar t, refitting from scratch on every bar.

    The model is exponentially weighted least squares with an intercept: on bar t it is fitted to the
    pairs (features at i − horizon, y at i) for horizon ≤ i ≤ t, pair i weighted forgetting^(t − i), and
    applied to the features at t. Solved with numpy's SVD least squares on sqrt-weighted rows (columns
    scaled to unit max, which only conditions the solve). NaN until min_samples pairs exist.
    """
    y = np.asarray(y, dtype=np.float64)
    n = len(y)
    X = np.column_stack([np.ones(n)] + [np.asarray(x, dtype=np.float64) for x in xs])
    out = np.full(n, np.nan)
    for t in range(n):
        targets = np.arange(horizon, t + 1)
        if len(targets) < min_samples:
            continue
        A = X[targets - horizon]
        scale = np.abs(A).max(axis=0)
        sw = np.sqrt(forgetting ** (t - targets).astype(np.float64))
        beta, *_ = np.linalg.lstsq(A / scale * sw[:, None], y[targets] * sw, rcond=None)
        out[t] = (X[t] / scale) @ beta
    return out


def logistic_classifier(target, *xs, horizon=1, learning_rate=0.05, l2=0.001, threshold=0.5, min_samples=20):
    """P(target[t + horizon] > target[t]) by online logistic regression; returns (probability, signal).

    Features are z-scored with pandas' expanding mean and population std up to and including the
    current bar (0 where the std is 0). On bar t one SGD step of log-loss is taken on the pair
    (z-scored features at t − horizon, label target[t] > target[t − horizon]), with L2 on the feature
    weights only, starting from zero weights; then the probability is predicted from the features at t.
    """
    target = pd.Series(np.asarray(target, dtype=np.float64))
    n = len(target)
    feats = pd.DataFrame({f"x{j}": np.asarray(x, dtype=np.float64) for j, x in enumerate(xs)}, index=range(n))
    mean = feats.expanding().mean().to_numpy().reshape(n, len(xs))
    sd = feats.expanding().std(ddof=0).to_numpy().reshape(n, len(xs))
    raw = feats.to_numpy().reshape(n, len(xs))
    labels = (target > target.shift(horizon)).astype(np.float64).to_numpy()

    def z(row, t):
        with np.errstate(all="ignore"):
            v = (raw[row] - mean[t]) / sd[t]
        return np.where(sd[t] > 0, v, 0.0)

    w = np.zeros(len(xs))
    b = 0.0
    samples = 0
    prob = np.full(n, np.nan)
    for t in range(n):
        if t >= horizon:
            zx = z(t - horizon, t)
            p = 1.0 / (1.0 + np.exp(-(b + zx @ w)))
            err = p - labels[t]
            w = w - learning_rate * (err * zx + l2 * w)
            b = b - learning_rate * err
            samples += 1
        if samples >= min_samples:
            prob[t] = 1.0 / (1.0 + np.exp(-(b + z(t, t) @ w)))
    signal = np.where(np.isnan(prob), np.nan, (prob > threshold).astype(np.float64))
    return prob, signal
