"""The over-parametrised two-layer ReLU network (7) of Ahn et al. (App. B.1), float64 NumPy.

    f(x; a, W, b) = sum_{i=1}^m a_i ReLU(<w_i, x> + b)      (one bias b shared by all neurons)

on the sparse-coding data (1) (:func:`numeric.relu_network.make_data`; by rotational invariance
of the initialisation the unknown basis can be taken to be the standard one), He initialisation
a ~ N(0, I_m/m), w_i ~ N(0, I_d/d), b = 0, trained by full-batch GD on the mean logistic loss
(1/n) sum_k log(1 + exp(-y_k f(x_k))).  GD on the *sum* with step eta is GD on the mean with step
n*eta, so a grid of step sizes stated relative to the measured stability threshold is the same
for both conventions.

Everything is vectorised over the batch (one n x m pre-activation matrix per step).  The ReLU
derivative at 0 is taken as 0 (1{z > 0}), as autograd does.  The two n x m x d contractions use
``np.einsum`` (NumPy's own loops) rather than BLAS: on a shared machine a multi-threaded BLAS
at these small sizes spends ~50x longer spinning than computing, and NumPy's loops do not depend
on the BLAS build or its thread count.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from .dynamics import SimulationDiverged
from .relu_network import Data, make_data


@dataclass(frozen=True)
class Setting:
    """A data set and an initialisation of model (7), reproducible from ``seed``."""

    d: int = 20
    m: int = 100
    n: int = 1000
    lam: float = 5.0
    seed: int = 0


@dataclass
class Params:
    a: np.ndarray  # (m,) second-layer weights
    W: np.ndarray  # (m, d) first-layer weights, rows w_i
    b: float  # shared bias

    def copy(self) -> Params:
        return Params(self.a.copy(), self.W.copy(), float(self.b))


def init_params(d: int, m: int, rng: np.random.Generator) -> Params:
    """He initialisation of App. B.1: a ~ N(0, I_m/m), w_i ~ N(0, I_d/d), b = 0."""
    a = rng.standard_normal(m) / math.sqrt(m)
    W = rng.standard_normal((m, d)) / math.sqrt(d)
    return Params(a, W, 0.0)


def setting_data(s: Setting) -> tuple[Data, Params]:
    """Training data and initialisation for a setting (one numpy Generator seeded by ``s.seed``)."""
    if min(s.d, s.m, s.n) < 1 or not s.lam > 0:
        raise ValueError(f"model (7) needs d, m, n >= 1 and lambda > 0, got {s}")
    rng = np.random.default_rng(s.seed)
    data = make_data(s.n, s.d, s.lam, rng)
    return data, init_params(s.d, s.m, rng)


def _sigmoid(z: np.ndarray) -> np.ndarray:
    return 0.5 * (1.0 + np.tanh(z / 2))


def _pre(X: np.ndarray, p: Params) -> np.ndarray:
    """Pre-activations Z[k, i] = <w_i, x_k> + b."""
    return np.einsum("kd,id->ki", X, p.W) + p.b


def _back(G: np.ndarray, X: np.ndarray) -> np.ndarray:
    """sum_k G[k, i] x_k (the first-layer gradient from d loss / d Z)."""
    return np.einsum("ki,kd->id", G, X)


def loss_and_grad(p: Params, data: Data) -> tuple[float, Params]:
    """Mean logistic loss and its gradient (a.e.; ReLU'(0) = 0)."""
    X, y = data.X, data.y
    Z = _pre(X, p)  # (n, m) pre-activations
    H = np.maximum(Z, 0.0)
    f = H @ p.a
    n = len(y)
    g = -y * _sigmoid(-y * f) / n  # d loss / d f_k
    G = np.outer(g, p.a) * (Z > 0)  # d loss / d Z
    grad = Params(H.T @ g, _back(G, X), float(G.sum()))
    return float(np.logaddexp(0.0, -y * f).mean()), grad


def hessian_vector(p: Params, data: Data, v: Params) -> Params:
    """Exact (a.e.) Hessian-vector product of the mean logistic loss at ``p`` along ``v``."""
    X, y = data.X, data.y
    n = len(y)
    Z = _pre(X, p)
    D = (Z > 0).astype(float)
    H = Z * D
    f = H @ p.a
    s = _sigmoid(y * f)
    curv = s * (1 - s) / n  # ell''(y f) / n  (y^2 = 1)
    g = -y * _sigmoid(-y * f) / n
    dZ = _pre(X, v)
    DdZ = D * dZ
    df = H @ v.a + DdZ @ p.a
    r = curv * df
    ha = H.T @ r + DdZ.T @ g  # Gauss-Newton part + second derivative of f (d^2 f / da_i dz_i = D_i)
    Gz = (np.outer(r, p.a) + np.outer(g, v.a)) * D
    return Params(ha, _back(Gz, X), float(Gz.sum()))


def _flat(p: Params) -> np.ndarray:
    return np.concatenate([p.a, p.W.ravel(), [p.b]])


def _unflat(x: np.ndarray, m: int, d: int) -> Params:
    return Params(x[:m], x[m:m + m * d].reshape(m, d), float(x[-1]))


def top_hessian_eigenvalue(p: Params, data: Data, tol: float = 1e-10) -> float:
    """Largest eigenvalue of the loss Hessian at ``p`` (Lanczos on exact Hessian-vector products,
    deterministic start vector)."""
    from scipy.sparse.linalg import LinearOperator, eigsh

    m, d = p.W.shape
    N = m + m * d + 1

    def mv(x: np.ndarray) -> np.ndarray:
        return _flat(hessian_vector(p, data, _unflat(np.asarray(x, dtype=float).ravel(), m, d)))

    op = LinearOperator((N, N), matvec=mv, dtype=float)
    v0 = np.ones(N) / math.sqrt(N)
    val = eigsh(op, k=1, which="LA", v0=v0, tol=tol, return_eigenvectors=False)
    return float(val[0])


@dataclass
class Run:
    """A GD run of model (7); ``t`` are the recorded iterations (every step by default)."""

    eta: float
    steps: int
    t: list = field(default_factory=list)
    b: list = field(default_factory=list)  # shared bias b_t
    mean_a: list = field(default_factory=list)  # average second-layer weight (1/m) sum_i a_i
    loss: list = field(default_factory=list)  # mean logistic loss at step t
    final: Params | None = None

    @property
    def b_final(self) -> float:
        return self.b[-1]


def gd_run(data: Data, init: Params, eta: float, steps: int, record_every: int = 1) -> Run:
    """Full-batch GD ``p <- p - eta grad L(p)`` for ``steps`` iterations.

    Raises :class:`numeric.dynamics.SimulationDiverged` as soon as a parameter or the loss is
    not finite (never a silent NaN)."""
    if not (eta > 0 and math.isfinite(eta)):
        raise ValueError(f"step size must be a positive finite number, got {eta}")
    if steps < 0 or record_every < 1:
        raise ValueError("steps must be >= 0 and record_every >= 1")
    p = init.copy()
    run = Run(eta=float(eta), steps=steps)
    with np.errstate(over="ignore", invalid="ignore"):  # overflow is detected below and raised
        _iterate(p, data, run, eta, steps, record_every)
    return run


def _iterate(p: Params, data: Data, run: Run, eta: float, steps: int, record_every: int) -> None:
    for t in range(steps + 1):
        loss, g = loss_and_grad(p, data)
        if not math.isfinite(loss):
            raise SimulationDiverged(f"model (7) GD at eta = {eta:.6g}: loss not finite at step {t}")
        if t % record_every == 0 or t == steps:
            run.t.append(t)
            run.b.append(p.b)
            run.mean_a.append(float(p.a.mean()))
            run.loss.append(loss)
        if t == steps:
            break
        p = Params(p.a - eta * g.a, p.W - eta * g.W, p.b - eta * g.b)
        if not (math.isfinite(p.b) and np.isfinite(p.a).all() and np.isfinite(p.W).all()):
            raise SimulationDiverged(f"model (7) GD at eta = {eta:.6g}: parameters not finite after step {t + 1}")
    run.final = p
