"""The ReLU network's GD loop (numeric.relu_network.gd_run, loss_and_grad inlined for speed) is
bit for bit the plain loop over loss_and_grad: the figure claims are float64 experiments whose
verdicts must not depend on how the loop is written."""

from __future__ import annotations

import math

import numpy as np
import pytest

from numeric import relu_network as RN


def _reference_run(data, init, eta, steps, loss, record_every=1, sharpness_every=0):
    """The loop as it was: loss_and_grad every step (and the Hessian on the same Features)."""
    d = data.X.shape[1]
    feats = RN.Features(data.X)
    am, ap, b = init
    run = RN.NetRun(eta=eta, steps=steps, loss_kind=loss)
    for t in range(steps + 1):
        val, (ga, gp, gb), _ = RN.loss_and_grad((am, ap, b), data, feats, loss)
        if t % record_every == 0 or t == steps:
            run.t.append(t)
            run.b.append(b)
            run.A.append(d * (am + ap))
            run.loss.append(val)
        if sharpness_every and t % sharpness_every == 0:
            H = RN.hessian((am, ap, b), data, feats, loss)
            run.sharpness.append((t, float(np.linalg.eigvalsh(H)[-1])))
        if t == steps:
            break
        am, ap, b = am - eta * ga, ap - eta * gp, b - eta * gb
        if not (math.isfinite(am) and math.isfinite(ap) and math.isfinite(b)):
            run.diverged = True
            break
    run.final = (am, ap, b)
    return run


@pytest.mark.parametrize(("loss", "ratio", "record_every", "sharpness_every"), [
    ("mean", 1.0, 7, 0), ("mean", 3.98, 1, 5), ("sum", 1.0 / 80, 3, 0), ("sum", 2.0 / 80, 1, 5)])
def test_gd_run_is_bit_for_bit_the_plain_loop(loss, ratio, record_every, sharpness_every):
    s = RN.Setting(d=60, n=80, seed=2)
    train, init, _ = RN.setting_data(s)
    eta = ratio * s.eta_c
    got = RN.gd_run(train, init, eta, 1500, loss=loss, record_every=record_every, sharpness_every=sharpness_every)
    ref = _reference_run(train, init, eta, 1500, loss, record_every, sharpness_every)
    assert got.final == ref.final and got.diverged == ref.diverged
    assert (got.t, got.b, got.A, got.loss, got.sharpness) == (ref.t, ref.b, ref.A, ref.loss, ref.sharpness)
    assert len(set(got.b)) > 10  # the run moved (b is not stuck at its initial 0)


def test_cached_plus_parts_follow_the_threshold():
    """Features.at reuses C+ and sum - S+ while the threshold index k1 stays and recomputes
    them when it moves: the values equal the direct evaluation either way."""
    rng = np.random.default_rng(4)
    data = RN.make_data(30, 25, 3.0, rng)
    feats = RN.Features(data.X, refresh=1000)
    for bval in (0.0, 1e-9, 2e-9, -0.5, -0.5000001, 0.7, 0.7, -2.0, 0.0):
        for a, e in zip(feats.at(bval), RN.features_direct(data.X, bval), strict=True):
            assert np.max(np.abs(a - e)) < 1e-10
