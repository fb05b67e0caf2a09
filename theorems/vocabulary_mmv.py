"""Models of the mmv survey in the conjecture vocabulary (``python -m theorems models``).

* ``deep_linear`` - depth-3 scalar linear network (w3 w2 w1 - y)^2 / 2 with its imbalances
  (layer 1 acts first: D1 = w2^2 - w1^2, D2 = w3^2 - w2^2; conserved by GF).
* ``matrix_factorization`` - rank-one symmetric factorisation 1/4 |diag(sigma) - u u^T|_F^2 on
  R^d (u_i, sigma_i indexed).
* ``eos_valley`` - exp(-theta1) theta2^2 (the survey's EoS valley; sharpness on the valley
  2 exp(-theta1)).
* ``logistic_pair`` - eq. (36): 1/2 (ell(z1.theta) + ell(z2.theta)), ell(s) = log(1 + e^-s),
  z1 = (c, s), z2 = (c, -s) with c = cos beta, s = sin beta given by the rational parameter r.
"""

from __future__ import annotations

import sympy as sp

from symbolic.eos_valley import exp_valley
from symbolic.models import Model

from .vocabulary import Instance, ModelSpec, Term


def _deep_linear(d: int) -> Instance:
    w1, w2, w3 = sp.symbols("w1 w2 w3", real=True)
    y = sp.Symbol("y", real=True)
    P = w3 * w2 * w1
    q = {"P": P, "loss": (P - y) ** 2 / 2, "D1": w2**2 - w1**2, "D2": w3**2 - w2**2,
         "w1": w1, "w2": w2, "w3": w3}
    desc = {"P": "end-to-end map w3 w2 w1", "loss": "(w3 w2 w1 - y)^2 / 2",
            "D1": "imbalance w2^2 - w1^2", "D2": "imbalance w3^2 - w2^2",
            "w1": "layer 1 (acts first)", "w2": "layer 2", "w3": "layer 3"}
    m = Model("deep_linear", (w1, w2, w3), (y,), q["loss"], q, desc)
    values = dict(q)
    values.update({"y": y, "eta": m.eta})
    return Instance(1, m, (w1, w2, w3, y, m.eta), m.state, values, {}, standing=[],
                    cumulative={}, positive_inputs=frozenset({m.eta}))


def _deep_linear_terms() -> dict[str, Term]:
    m = _deep_linear(1).model
    terms = [Term(k, v, "state") for k, v in m.descriptions.items()]
    terms += [Term("y", "target", "param"), Term("eta", "step size, eta > 0", "param")]
    return {t.name: t for t in terms}


def _mf(d: int) -> Instance:
    u = sp.symbols(f"u1:{d + 1}", real=True)
    sig = sp.symbols(f"sigma1:{d + 1}", positive=True)
    U = sp.Matrix(u)
    R = sp.diag(*sig) - U * U.T
    loss = sum(r**2 for r in R) / 4
    q = {"loss": loss, "norm2": sum(x**2 for x in u)}
    desc = {"loss": "1/4 |diag(sigma) - u u^T|_F^2", "norm2": "|u|^2 (the eigenvalue of W = u u^T)"}
    m = Model(f"matrix_factorization(d={d})", tuple(u), tuple(sig), loss, q, desc)
    values = dict(q)
    values["eta"] = m.eta
    if d == 1:
        values["u"], values["sigma"] = u[0], sig[0]
    return Instance(d, m, (*u, *sig, m.eta), m.state, values, {"u_i": tuple(u), "sigma_i": tuple(sig)},
                    standing=[s > 0 for s in sig], cumulative={}, positive_inputs=frozenset({*sig, m.eta}))


def _mf_terms() -> dict[str, Term]:
    m = _mf(2).model
    terms = [Term(k, v, "state") for k, v in m.descriptions.items()]
    terms += [Term("u", "the factor (only when d = 1)", "state", d1_only=True),
              Term("u_i", "entry i of the factor u", "state", indexed=True),
              Term("sigma", "eigenvalue of Y (only when d = 1)", "param", d1_only=True),
              Term("sigma_i", "eigenvalue i of Y = diag(sigma), > 0", "param", indexed=True),
              Term("eta", "step size, eta > 0", "param"), Term("d", "dimension", "param")]
    return {t.name: t for t in terms}


def _valley(d: int) -> Instance:
    m = exp_valley()
    values = dict(m.quantities)
    values["eta"] = m.eta
    return Instance(1, m, (*m.state, m.eta), m.state, values, {}, standing=[], cumulative={},
                    positive_inputs=frozenset({m.eta}))


def _valley_terms() -> dict[str, Term]:
    m = exp_valley()
    terms = [Term(k, v, "state") for k, v in m.descriptions.items()]
    terms.append(Term("eta", "step size, eta > 0", "param"))
    return {t.name: t for t in terms}


def _logistic(d: int) -> Instance:
    t1, t2 = sp.symbols("theta1 theta2", real=True)
    r = sp.Symbol("r", real=True)
    c, s = (1 - r**2) / (1 + r**2), 2 * r / (1 + r**2)  # cos beta, sin beta (rational parametrisation)
    ell = lambda x: sp.log(1 + sp.exp(-x))  # noqa: E731
    loss = (ell(c * t1 + s * t2) + ell(c * t1 - s * t2)) / 2
    q = {"loss": loss, "theta1": t1, "theta2": t2, "margin1": c * t1 + s * t2, "margin2": c * t1 - s * t2}
    desc = {"loss": "1/2 (ell(z1.theta) + ell(z2.theta)), eq. (36)", "theta1": "coordinate along M",
            "theta2": "coordinate across M", "margin1": "z1.theta", "margin2": "z2.theta"}
    m = Model("logistic_pair", (t1, t2), (r,), loss, q, desc)
    values = dict(q)
    values.update({"r": r, "c": c, "s": s, "eta": m.eta})
    return Instance(1, m, (t1, t2, r, m.eta), m.state, values, {}, standing=[],
                    cumulative={}, positive_inputs=frozenset({m.eta}))


def _logistic_terms() -> dict[str, Term]:
    m = _logistic(1).model
    terms = [Term(k, v, "state") for k, v in m.descriptions.items()]
    terms += [Term("r", "parameter of the angle: cos beta = (1 - r^2)/(1 + r^2), sin beta = 2r/(1 + r^2)", "param"),
              Term("c", "cos beta (x_1 = (c, s), x_2 = (-c, s))", "param"), Term("s", "sin beta", "param"),
              Term("eta", "step size, eta > 0", "param")]
    return {t.name: t for t in terms}


def mmv_specs() -> list[ModelSpec]:
    return [
        ModelSpec("deep_linear", "depth-3 scalar linear network (w3 w2 w1 - y)^2 / 2 (Min, MacDonald, Vidal, Sec. I)",
                  False, _deep_linear_terms, "eta > 0", _deep_linear,
                  notes="layer 1 acts first; GF conserves D1 and D2 (survey's imbalance matrices)."),
        ModelSpec("matrix_factorization", "rank-one symmetric factorisation 1/4 |diag(sigma) - u u^T|_F^2 on R^d "
                  "(Min, MacDonald, Vidal, Sec. II)", True, _mf_terms, "sigma_i > 0, eta > 0", _mf,
                  notes="GF: du/dt = (diag(sigma) - u u^T) u."),
        ModelSpec("eos_valley", "EoS valley exp(-theta1) theta2^2 (Min, MacDonald, Vidal, Sec. III)",
                  False, _valley_terms, "eta > 0", _valley,
                  notes="GD: theta2+ = (1 - eta lam_par) theta2, lam_par = 2 exp(-theta1) (eq. (45))."),
        ModelSpec("logistic_pair", "logistic regression on two unit points, eq. (36) (Min, MacDonald, Vidal, Sec. III)",
                  False, _logistic_terms, "eta > 0", _logistic),
    ]
