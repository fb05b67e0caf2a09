"""Conjecture models of Mulayoff-Michaeli-Soudry (registered in :func:`theorems.vocabulary._specs`):
the univariate ReLU network (width d, two data points as parameters) and the linearised SGD/GD
stability model of a scalar minimum with two samples."""

from __future__ import annotations

from symbolic.mms_models import linear_stability, relu_univariate

from .vocabulary import Instance, ModelSpec, Term


def _relu(d: int) -> Instance:
    m = relu_univariate(d)
    values = dict(m.quantities)
    values.update({str(s): s for s in (*m.state, *m.params)})
    values["eta"] = m.eta
    x1, x2 = m.params[0], m.params[1]
    return Instance(d, m, (*m.state, *m.params, m.eta), m.state, values, {}, standing=[x1 < x2], cumulative={},
                    positive_inputs=frozenset({m.eta}))


def _relu_terms(d: int = 2) -> dict[str, Term]:
    m = relu_univariate(d)
    terms = [Term(k, v, "state") for k, v in m.descriptions.items()]
    terms += [Term("x1", "first data input (x1 < x2)", "param"), Term("x2", "second data input", "param"),
              Term("y1", "first target", "param"), Term("y2", "second target", "param"),
              Term("b2", "output bias", "state"),
              Term("eta", "step size, eta > 0", "param"), Term("d", "width k (number of neurons)", "param")]
    return {t.name: t for t in terms}


def _stability(d: int) -> Instance:
    m = linear_stability()
    values = dict(m.quantities)
    values.update({"h1": m.params[0], "h2": m.params[1], "eta": m.eta})
    return Instance(1, m, (*m.state, *m.params, m.eta), m.state, values, {}, standing=[], cumulative={},
                    positive_inputs=frozenset({m.eta}))


def _stability_terms() -> dict[str, Term]:
    m = linear_stability()
    terms = [Term(k, v, "state" if k == "v" else "param") for k, v in m.descriptions.items()]
    terms += [Term("h1", "curvature of sample 1, >= 0", "param"), Term("h2", "curvature of sample 2, >= 0", "param"),
              Term("eta", "step size, eta > 0", "param")]
    return {t.name: t for t in terms}


def mms_specs() -> list[ModelSpec]:
    return [
        ModelSpec("relu_univariate",
                  "univariate one-hidden-layer ReLU network with d neurons on two data points, quadratic loss "
                  "(Mulayoff, Michaeli, Soudry, Sec. 3)",
                  True, _relu_terms, "x1 < x2, eta > 0", _relu, max_dim=4, default_dims=(1, 2),
                  notes="theta = (w1_i, b1_i, w2_i, b2) named w1_1.., b1_1.., w2_1.., b2; g with strict "
                  "inequalities; sharpness_gn is the Hessian's top eigenvalue only at interpolating minima."),
        ModelSpec("linear_stability",
                  "linearised SGD at a scalar minimum, two samples with curvatures h1, h2 >= 0, batches of one "
                  "(Mulayoff, Michaeli, Soudry, Sec. 2)",
                  False, _stability_terms, "h1, h2 >= 0, eta > 0", _stability,
                  notes="GD (full batch): v+ = (1 - eta hbar) v; SGD is mean-square stable iff second_moment <= 1."),
    ]
