"""ahn.fig3: the scaled-down replication of the two-layer ReLU network (7) (numeric.relu_net7).

* the vectorised kernel (loss, gradient, GD loop, Hessian-vector product, top eigenvalue)
  agrees with plain per-sample / per-neuron loops on a tiny instance;
* on the claim's own runs the true bias order passes and the reversed one ("the bias is higher
  at the larger rate") is refuted; the oscillation measure separates monotone from zig-zag;
* a diverging run is an ERROR (never a verdict), bad input a clear error.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from numeric import relu_net7 as R7
from numeric.dynamics import SimulationDiverged
from theorems.claim import BUDGETS, Context, Verdict
from theorems.papers.ahn import s1_figures as S
from theorems.runner import run_variant

TINY = R7.Setting(d=3, m=4, n=6, lam=5.0, seed=7)


def _direct_loss_grad(a, W, b, X, y):
    """Mean logistic loss and gradient by explicit loops (the obvious, slow way)."""
    n, d = X.shape
    m = len(a)
    loss = 0.0
    ga, gW, gb = np.zeros(m), np.zeros((m, d)), 0.0
    for k in range(n):
        z = [sum(W[i, j] * X[k, j] for j in range(d)) + b for i in range(m)]
        f = sum(a[i] * max(z[i], 0.0) for i in range(m))
        loss += math.log1p(math.exp(-y[k] * f)) / n
        dldf = -y[k] / (1 + math.exp(y[k] * f)) / n
        for i in range(m):
            ga[i] += dldf * max(z[i], 0.0)
            if z[i] > 0:
                gW[i] += dldf * a[i] * X[k]
                gb += dldf * a[i]
    return loss, ga, gW, gb


def _direct_run(data, init, eta, steps):
    a, W, b = init.a.copy(), init.W.copy(), init.b
    bs, means, losses = [], [], []
    for t in range(steps + 1):
        loss, ga, gW, gb = _direct_loss_grad(a, W, b, data.X, data.y)
        bs.append(b)
        means.append(a.mean())
        losses.append(loss)
        if t == steps:
            break
        a, W, b = a - eta * ga, W - eta * gW, b - eta * gb
    return bs, means, losses, (a, W, b)


def test_gradient_matches_direct_loops():
    data, p = R7.setting_data(TINY)
    p.b = -0.1  # some neurons inactive at some samples
    loss, g = R7.loss_and_grad(p, data)
    loss2, ga, gW, gb = _direct_loss_grad(p.a, p.W, p.b, data.X, data.y)
    assert abs(loss - loss2) <= 1e-12
    assert np.max(np.abs(g.a - ga)) <= 1e-12
    assert np.max(np.abs(g.W - gW)) <= 1e-12
    assert abs(g.b - gb) <= 1e-12


def test_gd_run_matches_direct_loops():
    data, p = R7.setting_data(TINY)
    run = R7.gd_run(data, p, 0.7, 25)
    bs, means, losses, (a, W, b) = _direct_run(data, p, 0.7, 25)
    assert run.t == list(range(26))
    assert np.max(np.abs(np.array(run.b) - bs)) <= 1e-12
    assert np.max(np.abs(np.array(run.mean_a) - means)) <= 1e-12
    assert np.max(np.abs(np.array(run.loss) - losses)) <= 1e-12
    assert np.max(np.abs(run.final.W - W)) <= 1e-12 and np.max(np.abs(run.final.a - a)) <= 1e-12
    assert run.b_final == run.b[-1]


def _dense_hessian(p, data):
    m, d = p.W.shape
    N = m + m * d + 1
    cols = [R7._flat(R7.hessian_vector(p, data, R7._unflat(np.eye(N)[k], m, d))) for k in range(N)]
    return np.array(cols).T


def test_hessian_vector_product_matches_finite_differences_and_eigenvalue():
    data, p = R7.setting_data(TINY)
    m, d = p.W.shape
    H = _dense_hessian(p, data)
    assert np.max(np.abs(H - H.T)) <= 1e-12
    x0 = R7._flat(p)
    h = 1e-6
    fd = np.zeros_like(H)
    for k in range(len(x0)):
        e = np.zeros_like(x0)
        e[k] = h
        gp = R7._flat(R7.loss_and_grad(R7._unflat(x0 + e, m, d), data)[1])
        gm = R7._flat(R7.loss_and_grad(R7._unflat(x0 - e, m, d), data)[1])
        fd[:, k] = (gp - gm) / (2 * h)
    assert np.max(np.abs(H - fd)) <= 1e-7  # no pre-activation crosses 0 within +-1e-6 here
    assert abs(R7.top_hessian_eigenvalue(p, data) - np.linalg.eigvalsh(H)[-1]) <= 1e-10


def test_reversal_size_separates_monotone_from_zigzag():
    assert S.reversal_size([0.0, 0.1, 0.3, 0.35], m=100) == 0.0
    assert S.reversal_size([0.0, 0.02, -0.01, 0.03], m=100) == pytest.approx(100 * (0.02 + 0.03))
    assert S.largest_loss_rise([1.0, 0.9, 1.08, 0.5]) == pytest.approx(1.2)


QUICK = Context(budget=BUDGETS["quick"])


def test_true_statement_passes_and_reversed_bias_order_is_refuted():
    res = run_variant(S.FIG3, "printed", QUICK)
    assert res.outcome.verdict.passes, res.outcome.reason
    assert all(p.verdict.passes for p in res.outcome.parts)
    assert res.outcome.details["sub-statements not encoded here"]  # CIFAR / ResNet listed as not covered
    wrong = S.fig3_parts(QUICK, larger_is_lower=False)  # the same (cached) runs
    assert len(wrong) == 1
    assert wrong[0].verdict is Verdict.REFUTED
    assert wrong[0].counterexample is not None


def test_divergence_is_an_error_not_a_verdict(monkeypatch):
    monkeypatch.setattr(S, "FIG3_RATES", (0.25, 1e300))
    res = run_variant(S.FIG3, "printed", QUICK)
    assert res.outcome.verdict is Verdict.ERROR
    assert "not finite" in res.outcome.reason


def test_kernel_rejects_bad_input_and_raises_on_overflow():
    data, p = R7.setting_data(TINY)
    with pytest.raises(ValueError):
        R7.gd_run(data, p, -0.1, 3)
    with pytest.raises(ValueError):
        R7.setting_data(R7.Setting(d=0))
    huge = R7.Params(np.full(TINY.m, -1e200), np.full((TINY.m, TINY.d), 1e200), 0.0)
    with pytest.raises(SimulationDiverged, match="not finite"):  # f overflows: loss = inf, never a silent NaN
        R7.gd_run(data, huge, 0.1, 3)
