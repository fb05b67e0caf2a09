"""Does a rising sequence saturate?  Tail models fitted to a parameter sweep.

Along a sweep p_1, p_2, ... (toward 0 or toward infinity) let L = |log(p / p_1)| + 1 be the
distance travelled in e-folds (offset so that L >= 1).  Three model classes are fitted by
least squares to the measured values r(L):

* ``power tail`` (the stated saturation model): r = c - b exp(-k L) = c - b' p^(+-k),
  k > 0: the increments shrink geometrically, by the factor q = 10^(-k log 10) per decade,
  and the limit c is finite;
* ``slow saturation``: r = c - b (L + L0)^(-s), s > 0 (e.g. c - 1/log p): bounded, but the
  increments shrink only polynomially in L;
* ``slow growth``: r = a + b log(L + L0) (log log p) or r = a + b (L + L0)^s, 0 < s <= 1
  (sqrt(log p), log p), b > 0: unbounded.

* ``power tail + slow growth``: c - b exp(-k L) + e g(L), e >= 0, g = L or log L: the nested
  alternative in which a saturating transient hides a slowly growing term.

With a per-point ``resolution`` (a quantised ratio, e.g. eta times an iteration count) every fit
is weighted by 1/h_i and reports its largest and rms residual in resolution steps.

Nothing here decides a verdict; :func:`theorems.engines.growth` does, from the residual sums of
squares, the residuals in resolution steps, the limit's standard error and the decay factor per
decade reported here.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np


@dataclass
class TailFit:
    model: str
    params: dict[str, float]
    rms: float  # root-mean-square residual, in units of the observed rise (max - min)
    limit: float | None = None  # extrapolated limit (bounded models only)
    limit_se: float | None = None  # its standard error from the fit covariance
    q_per_decade: float | None = None  # power tail: increments shrink by this factor per decade
    q_hi: float | None = None  # upper end of q's 2-sigma interval
    n_params: int = 0  # fitted parameters (linear and nonlinear)
    ssr: float = math.nan  # residual sum of squares (in units of the resolution when one is given)
    max_over_resolution: float | None = None  # max |residual| / resolution (only with a resolution)
    rms_over_resolution: float | None = None  # rms of residual / resolution (only with a resolution)

    def to_json(self) -> dict:
        out: dict = {"model": self.model, "params": {k: _r(v) for k, v in self.params.items()},
                     "rms_residual_over_rise": _r(self.rms)}
        for key in ("limit", "limit_se", "q_per_decade", "q_hi", "max_over_resolution", "rms_over_resolution"):
            v = getattr(self, key)
            if v is not None:
                out[key] = _r(v)
        return out


def _r(v: float) -> float | str:
    return float(f"{v:.6g}") if math.isfinite(v) else str(v)


@dataclass
class TailAnalysis:
    power_tail: TailFit | None
    slow_saturation: TailFit | None
    slow_growth: list[TailFit]
    decades: float
    n_points: int = 0
    weighted: bool = False  # fitted in units of a stated per-point resolution
    mixtures: list[TailFit] | None = None  # power tail plus a slowly growing term e g(log p), e >= 0

    @property
    def best_growth(self) -> TailFit | None:
        """The slowly growing model with the smallest residual variance per degree of freedom."""
        n = self.n_points
        return min(self.slow_growth, key=lambda f: f.ssr / max(n - f.n_params, 1)) if self.slow_growth else None

    def to_json(self) -> dict:
        return {"decades": round(self.decades, 3), "points": self.n_points, "in_units_of_resolution": self.weighted,
                "power_tail": self.power_tail.to_json() if self.power_tail else None,
                "slow_saturation": self.slow_saturation.to_json() if self.slow_saturation else None,
                "slow_growth": [f.to_json() for f in self.slow_growth],
                "power_tail_plus_growth": [f.to_json() for f in self.mixtures or []]}


def _linear_part(basis: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, float]:
    """Least-squares coefficients of y on the columns of ``basis`` and the residual sum of squares."""
    coef, *_ = np.linalg.lstsq(basis, y, rcond=None)
    res = y - basis @ coef
    return coef, float(res @ res)


def _profile(design, y: np.ndarray, starts: Sequence[Sequence[float]], valid) -> tuple[np.ndarray, np.ndarray, float]:
    """Variable projection: minimise over the nonlinear parameters theta the residual of the
    best linear combination of the columns of ``design(theta)``; ``valid(theta, coef)`` rejects
    parameters outside the model class.  Returns (theta, coef, residual sum of squares)."""
    from scipy.optimize import minimize

    def cost(theta):
        try:
            basis = design(np.asarray(theta))
        except (FloatingPointError, ValueError, OverflowError):
            return np.inf
        if not np.all(np.isfinite(basis)):
            return np.inf
        coef, ssr = _linear_part(basis, y)
        return ssr if valid(theta, coef) else np.inf

    best = (None, np.inf)
    scored = sorted((c0, list(x0)) for x0 in starts if np.isfinite(c0 := cost(x0)))
    for _, x0 in scored[:2]:  # refine from the two best starting points
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            r = minimize(cost, np.asarray(x0, dtype=float), method="Nelder-Mead",
                         options={"xatol": 1e-9, "fatol": 1e-32, "maxiter": 1500})
        if r.fun < best[1]:
            best = (r.x, r.fun)
    theta = best[0]
    if theta is None:
        raise ValueError("no admissible start for the model")
    coef, ssr = _linear_part(design(theta), y)
    return theta, coef, ssr


def analyse_tail(params: Sequence[float], values: Sequence[float],
                 resolution: Sequence[float] | None = None) -> TailAnalysis:
    """Fit the tail models to ``values`` measured at ``params`` (in sweep order).

    ``resolution``: per-point measurement resolution h_i > 0 (e.g. the quantisation step of a
    count times eta: the smooth quantity lies within h_i of the measured value).  With it, every
    model is fitted by least squares in units of h_i (weights 1/h_i), and each fit reports the
    largest and the rms residual in units of h_i: a largest residual <= 1 means the model is
    consistent with the data within the resolution; an rms residual > 1 at the least-squares
    optimum means no parameters of that model are (the rms never exceeds the maximum)."""
    p = np.asarray([float(v) for v in params])
    y = np.asarray([float(v) for v in values])
    n = len(p)
    if n < 4:
        raise ValueError("a tail analysis needs at least 4 points")
    L = np.abs(np.log(p / p[0])) + 1.0
    if np.any(np.diff(L) <= 0):
        raise ValueError("sweep parameters must move monotonically away from the first one")
    rise = float(y.max() - y.min())
    if not rise > 0:
        raise ValueError("constant sequence: nothing to analyse")
    if resolution is not None:
        h = np.asarray([float(v) for v in resolution])
        if h.shape != y.shape or not np.all(h > 0) or not np.all(np.isfinite(h)):
            raise ValueError("resolution must be one positive finite number per point")
    else:
        h = None
    w = np.ones_like(y) if h is None else 1.0 / h
    yw = y * w
    decades = float(L[-1] - L[0]) / math.log(10)
    ones = np.ones_like(L)

    def weighted(design):
        return lambda theta: design(theta) * w[:, None]

    def fit_of(model: str, params_: dict[str, float], design, theta, coef, n_params: int, **extra) -> TailFit:
        res = y - design(theta) @ coef
        ssr_w = float(((res * w) ** 2).sum())
        out = TailFit(model, params_, math.sqrt(float(res @ res) / n) / rise, n_params=n_params, ssr=ssr_w, **extra)
        if h is not None:
            out.max_over_resolution = float(np.max(np.abs(res) / h))
            out.rms_over_resolution = math.sqrt(ssr_w / n)
        return out

    def power_tail_fit(terms: int, extra: tuple[str, np.ndarray] | None = None) -> TailFit:
        """c - b1 e^{-k(L-1)} [- b2 e^{-2k(L-1)}] [+ e g(L)]: one or two terms of the power expansion
        (b1 >= 0), optionally plus a slowly growing term e g(L), e >= 0.  theta = log k.  (The saturation
        test uses one term: with two, 9-point sweeps let a last increment as large as the one before pass.)"""
        def design(theta):
            k = math.exp(theta[0])
            cols = [ones] + [-np.exp(-j * k * (L - 1.0)) for j in range(1, terms + 1)]
            return np.column_stack(cols + ([extra[1]] if extra else []))

        def valid(th, co):
            return co[1] >= 0 and (extra is None or co[-1] >= 0) and -12 < th[0] < 4

        theta, coef, ssr = _profile(weighted(design), yw, [[math.log(k)] for k in (0.05, 0.3, 1.0, 3.0, 10.0)], valid)
        k = math.exp(theta[0])
        n_params = 2 + terms + (1 if extra else 0)
        name = "power tail c - b p^k" if terms == 1 else "power tail, two terms c - b1 p^k - b2 p^2k"
        params_ = {"c": coef[0], **{f"b{j}": coef[j] for j in range(1, terms + 1)}, "k_per_efold": k}
        if extra:
            params_["e"] = coef[-1]
            return fit_of(f"{name} + e {extra[0]}", params_, design, theta, coef, n_params)
        # standard errors of c and k from the weighted Jacobian of the model in (c, b_j, k)
        cols = [ones] + [-np.exp(-j * k * (L - 1.0)) for j in range(1, terms + 1)]
        dk = sum(coef[j] * j * (L - 1.0) * np.exp(-j * k * (L - 1.0)) for j in range(1, terms + 1))
        J = np.column_stack(cols + [dk]) * w[:, None]
        dof = n - n_params
        se_c = se_k = math.inf
        if dof > 0:
            # residual variance in units of the resolution, never below 1 when a resolution is stated
            s2 = ssr / dof if h is None else max(ssr / dof, 1.0)
            try:
                cov = s2 * np.linalg.inv(J.T @ J)
                se_c, se_k = math.sqrt(max(cov[0, 0], 0.0)), math.sqrt(max(cov[-1, -1], 0.0))
            except np.linalg.LinAlgError:
                pass
        ln10 = math.log(10)
        q = math.exp(-k * ln10)
        q_hi = math.exp(-(k - 2 * se_k) * ln10) if math.isfinite(se_k) and k - 2 * se_k > -50 else math.inf
        return fit_of(name, params_, design, theta, coef, n_params,
                      limit=float(coef[0]), limit_se=se_c, q_per_decade=q, q_hi=q_hi)

    power_tail = None
    try:
        power_tail = power_tail_fit(1)
    except ValueError:
        pass

    grid = [[math.log(L0 + 1.0), math.log(s)] for L0 in (0.0, 1.0, 5.0, 30.0) for s in (0.3, 1.0, 3.0)]

    # slow saturation: c - b (L + L0)^-s, theta = (log(L0 + 1), log s), L0 > -1
    def sat_design(theta):
        L0, s_ = math.exp(theta[0]) - 1.0, math.exp(theta[1])
        return np.column_stack([ones, -(L + L0) ** (-s_)])

    slow_saturation = None
    try:
        theta, coef, _ = _profile(weighted(sat_design), yw, grid,
                                  lambda th, co: co[1] >= 0 and -8 < th[1] < 3 and th[0] < 12)
        c, b = coef
        slow_saturation = fit_of("slow saturation c - b (log p)^-s",
                                 {"c": c, "b": b, "L0": math.exp(theta[0]) - 1, "s": math.exp(theta[1])},
                                 sat_design, theta, coef, 4, limit=float(c))
    except ValueError:
        pass

    growth: list[TailFit] = []

    # slow growth: a + b log(L + L0), theta = log(L0 + 1)
    def loglog_design(theta):
        return np.column_stack([ones, np.log(L + math.exp(theta[0]) - 1.0)])

    try:
        theta, coef, _ = _profile(weighted(loglog_design), yw, [[math.log(v)] for v in (1.0, 2.0, 10.0, 100.0)],
                                  lambda th, co: co[1] >= 0 and th[0] < 12)
        growth.append(fit_of("slow growth a + b log(log p)",
                             {"a": coef[0], "b": coef[1], "L0": math.exp(theta[0]) - 1}, loglog_design, theta, coef, 3))
    except ValueError:
        pass

    # slow growth: a + b (L + L0)^s, 0 < s <= 1, theta = (log(L0 + 1), logit-ish s)
    def pow_design(theta):
        L0, s_ = math.exp(theta[0]) - 1.0, 1.0 / (1.0 + math.exp(-theta[1]))
        return np.column_stack([ones, (L + L0) ** s_])

    try:
        theta, coef, _ = _profile(weighted(pow_design), yw,
                                  [[math.log(L0 + 1.0), t] for L0 in (0.0, 1.0, 5.0, 30.0) for t in (-3, 0, 3)],
                                  lambda th, co: co[1] >= 0 and th[0] < 12)
        growth.append(fit_of("slow growth a + b (log p)^s, 0 < s <= 1",
                             {"a": coef[0], "b": coef[1], "L0": math.exp(theta[0]) - 1,
                              "s": 1 / (1 + math.exp(-theta[1]))}, pow_design, theta, coef, 4))
    except ValueError:
        pass
    # power tail plus slow growth: ... + e g(L), e >= 0, g = L (log p) or log L (log log p): a saturating
    # transient hiding a slowly growing term (the nested alternative to each power tail)
    mixtures: list[TailFit] = []
    for gname, g in (("log p", L), ("log log p", np.log(L + 1.0))):
        try:
            mixtures.append(power_tail_fit(1, (gname, g)))
        except ValueError:
            pass
    return TailAnalysis(power_tail, slow_saturation, growth, decades, n, h is not None, mixtures)
