"""The two-layer ReLU network of Ahn et al., eq. (2), on the sparse-coding data (1), float64.

    f(x; a-, a+, b) = a- sum_i ReLU(-x[i] + b) + a+ sum_i ReLU(x[i] + b),
    x = lambda y e_j + xi,  y ~ unif{+-1},  j ~ unif[d],  xi ~ N(0, I_d),

trained by full-batch GD on the logistic loss ell(z) = log(1 + e^{-z}) of y f(x), either the
empirical *mean* (1/n) sum_i (``loss="mean"``) or the literal *sum* sum_i (``loss="sum"``).
Figure 1 / 2 setting: d = 200, n = 300, lambda = 3, a-, a+ ~ N(0, 1/(2d)) (variance), b = 0,
10/eta iterations.

Speed: the per-sample sums sum_i ReLU(+-x[i] + b) and counts sum_i 1{+-x[i] + b >= 0} depend
on the scalar b only through which entries lie above -b (resp. below b).  All n*d entries are
sorted once; per-row partial counts/sums below each threshold are updated incrementally as b
moves (cost proportional to the number of entries crossed), and recomputed from scratch every
``refresh`` steps so that floating-point drift cannot accumulate.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np


@dataclass
class Data:
    X: np.ndarray  # (n, d)
    y: np.ndarray  # (n,) in {-1, +1}
    j: np.ndarray  # (n,) signal coordinate


def make_data(n: int, d: int, lam: float, rng: np.random.Generator) -> Data:
    y = rng.choice(np.array([-1.0, 1.0]), size=n)
    j = rng.integers(0, d, size=n)
    X = rng.standard_normal((n, d))
    X[np.arange(n), j] += lam * y
    return Data(X, y, j)


def init_params(d: int, rng: np.random.Generator) -> tuple[float, float, float]:
    """a-, a+ ~ N(0, 1/(2d)) (variance 1/(2d)), b = 0."""
    sd = math.sqrt(1.0 / (2 * d))
    return float(rng.normal(0, sd)), float(rng.normal(0, sd)), 0.0


class Features:
    """Per-sample S+(b) = sum_i ReLU(x_i + b), S-(b) = sum_i ReLU(-x_i + b) and the counts
    C+(b) = #{x_i >= -b}, C-(b) = #{x_i <= b}, for a moving scalar b."""

    def __init__(self, X: np.ndarray, refresh: int = 2000):
        self.X = X
        self.n, self.d = X.shape
        flat = X.ravel()
        order = np.argsort(flat, kind="stable")
        self.v = flat[order]
        self.r = (order // self.d).astype(np.int64)
        self.rowsum = X.sum(axis=1)
        self.refresh = refresh
        self._calls = 0
        self.k1 = self.k2 = None  # prefix lengths: #{x < -b}, #{x <= b}
        self._plus: tuple[np.ndarray, np.ndarray] | None = None  # (C+, sum_i x_i - s1) while k1 stays

    def _prefix(self, k: int) -> tuple[np.ndarray, np.ndarray]:
        cnt = np.bincount(self.r[:k], minlength=self.n).astype(float)
        sm = np.bincount(self.r[:k], weights=self.v[:k], minlength=self.n)
        return cnt, sm

    def _move(self, k_old: int, k_new: int, cnt: np.ndarray, sm: np.ndarray) -> None:
        if k_new > k_old:
            sl = slice(k_old, k_new)
            sign = 1.0
        elif k_new < k_old:
            sl = slice(k_new, k_old)
            sign = -1.0
        else:
            return
        cnt += sign * np.bincount(self.r[sl], minlength=self.n)
        sm += sign * np.bincount(self.r[sl], weights=self.v[sl], minlength=self.n)

    def at(self, b: float) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        v = self.v
        k1 = int(v.searchsorted(-b, "left"))  # entries x < -b are inactive for S+
        k2 = int(v.searchsorted(b, "right"))  # entries x <= b are active for S-
        if self.k1 is None or self._calls % self.refresh == 0:
            self.c1, self.s1 = self._prefix(k1)
            self.c2, self.s2 = self._prefix(k2)
            self._plus = None
        else:
            if k1 != self.k1:
                self._move(self.k1, k1, self.c1, self.s1)
                self._plus = None
            if k2 != self.k2:
                self._move(self.k2, k2, self.c2, self.s2)
        self.k1, self.k2 = k1, k2
        self._calls += 1
        if self._plus is None:  # d - C+ part and sum - S+ part change only when k1 does
            self._plus = (self.d - self.c1, self.rowsum - self.s1)
        Cp, rest = self._plus
        Sp = rest + b * Cp
        Cm = self.c2
        Sm = b * Cm - self.s2
        return Sp, Sm, Cp, Cm


def features_direct(X: np.ndarray, b: float) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Plain O(nd) evaluation (reference for tests)."""
    Sp = np.maximum(X + b, 0).sum(1)
    Sm = np.maximum(-X + b, 0).sum(1)
    Cp = (X + b >= 0).sum(1).astype(float)
    Cm = (-X + b >= 0).sum(1).astype(float)
    return Sp, Sm, Cp, Cm


def _sigmoid(z: np.ndarray) -> np.ndarray:
    return 0.5 * (1.0 + np.tanh(z / 2))


@dataclass
class NetRun:
    eta: float
    steps: int
    loss_kind: str
    t: list = field(default_factory=list)  # recorded steps
    b: list = field(default_factory=list)
    A: list = field(default_factory=list)  # d (a- + a+)
    loss: list = field(default_factory=list)  # objective as optimised (mean or sum)
    sharpness: list = field(default_factory=list)  # (t, lambda_max) pairs, if requested
    final: tuple[float, float, float] = (0.0, 0.0, 0.0)
    diverged: bool = False

    @property
    def b_final(self) -> float:
        return self.final[2]


def loss_and_grad(params, data: Data, feats: Features, loss: str):
    am, ap, b = params
    Sp, Sm, Cp, Cm = feats.at(b)
    f = am * Sm + ap * Sp
    m = data.y * f
    # logistic: ell(m) = log(1+e^{-m}), ell'(m) = -sigmoid(-m)
    val = np.logaddexp(0.0, -m)
    lp = -_sigmoid(-m)
    w = lp * data.y
    scale = 1.0 / len(m) if loss == "mean" else 1.0
    g_am = scale * float(w @ Sm)
    g_ap = scale * float(w @ Sp)
    g_b = scale * float(w @ (am * Cm + ap * Cp))
    return scale * float(val.sum()), (g_am, g_ap, g_b), (Sp, Sm, Cp, Cm, m)


def hessian(params, data: Data, feats: Features, loss: str) -> np.ndarray:
    """3x3 Hessian in (a-, a+, b), a.e. (the ReLU kink contributes 0, as with autograd)."""
    am, ap, b = params
    Sp, Sm, Cp, Cm = feats.at(b)
    m = data.y * (am * Sm + ap * Sp)
    s = _sigmoid(m)
    lpp = s * (1 - s)
    lp = -_sigmoid(-m)
    grads = np.vstack([Sm, Sp, am * Cm + ap * Cp])  # (3, n)
    H = (grads * lpp) @ grads.T
    w = lp * data.y
    H[0, 2] += float(w @ Cm)
    H[2, 0] += float(w @ Cm)
    H[1, 2] += float(w @ Cp)
    H[2, 1] += float(w @ Cp)
    return H / len(m) if loss == "mean" else H


def gd_run(data: Data, init: tuple[float, float, float], eta: float, steps: int, loss: str = "mean",
           record_every: int = 1, sharpness_every: int = 0) -> NetRun:
    """Full-batch GD for ``steps`` iterations; records (t, b, A, loss) every ``record_every``."""
    if loss not in ("mean", "sum"):
        raise ValueError("loss must be 'mean' or 'sum'")
    d = data.X.shape[1]
    feats = Features(data.X)
    am, ap, b = init
    run = NetRun(eta=eta, steps=steps, loss_kind=loss)
    # loss_and_grad inlined, with the same floating-point operations in the same order (bit for
    # bit its results; tested), minus the loss value at steps that are not recorded:
    # tanh(-m/2) with m = y f is tanh(f * (-y/2)), and lp * y = -(1 + tanh(-m/2))/2 * y is
    # (1 + tanh(-m/2)) * (-y/2) (scalings by 1/2 and signs are exact).
    y, at, tanh, logaddexp = data.y, feats.at, np.tanh, np.logaddexp
    yhalf = y * -0.5
    scale = 1.0 / len(y) if loss == "mean" else 1.0
    for t in range(steps + 1):
        Sp, Sm, Cp, Cm = at(b)
        f = am * Sm + ap * Sp
        w = (1.0 + tanh(f * yhalf)) * yhalf
        ga = scale * float(w @ Sm)
        gp = scale * float(w @ Sp)
        gb = scale * float(w @ (am * Cm + ap * Cp))
        if t % record_every == 0 or t == steps:
            run.t.append(t)
            run.b.append(b)
            run.A.append(d * (am + ap))
            run.loss.append(scale * float(logaddexp(0.0, -(y * f)).sum()))
        if sharpness_every and t % sharpness_every == 0:
            H = hessian((am, ap, b), data, feats, loss)
            run.sharpness.append((t, float(np.linalg.eigvalsh(H)[-1])))
        if t == steps:
            break
        am, ap, b = am - eta * ga, ap - eta * gp, b - eta * gb
        if not (math.isfinite(am) and math.isfinite(ap) and math.isfinite(b)):
            run.diverged = True
            break
    run.final = (am, ap, b)
    return run


def test_accuracy(params, test: Data) -> float:
    am, ap, b = params
    Sp, Sm, _, _ = features_direct(test.X, b)
    f = am * Sm + ap * Sp
    return float(np.mean(test.y * f > 0))


@dataclass(frozen=True)
class Setting:
    d: int = 200
    n: int = 300
    lam: float = 3.0
    seed: int = 0
    n_test: int = 2000

    @property
    def eta_c(self) -> float:
        return 8 * math.pi / self.d**2


def setting_data(s: Setting) -> tuple[Data, tuple[float, float, float], Data]:
    """Training data, initialisation and test data for a seed (all from one numpy Generator)."""
    rng = np.random.default_rng(s.seed)
    train = make_data(s.n, s.d, s.lam, rng)
    init = init_params(s.d, rng)
    test = make_data(s.n_test, s.d, s.lam, rng)
    return train, init, test


_CACHE: dict = {}


def final_point(s: Setting, ratio: float, loss: str = "mean", time_horizon: float = 10.0,
                record_every: int = 0) -> dict:
    """Run GD at eta = ratio * eta_c for ceil(time_horizon / eta) steps (cached per process)."""
    key = (s, float(ratio), loss, float(time_horizon), record_every)
    if key in _CACHE:
        return _CACHE[key]
    train, init, test = setting_data(s)
    eta = float(ratio) * s.eta_c
    steps = int(math.ceil(time_horizon / eta))
    run = gd_run(train, init, eta, steps, loss=loss, record_every=record_every or max(1, steps // 400))
    out = {
        "ratio": float(ratio), "eta": eta, "steps": steps, "loss": loss, "b_final": run.b_final,
        "A0": run.A[0], "A_final": run.A[-1], "diverged": run.diverged,
        "test_acc": test_accuracy(run.final, test) if not run.diverged else float("nan"),
        "run": run,
    }
    _CACHE[key] = out
    return out
