"""The mean-feature test vector of a non-differentiable interpolating minimum (Theorem 2 of
Mulayoff-Michaeli-Soudry for sign-consistent toggles), in exact rational arithmetic.

At an interpolating minimum of the univariate ReLU network with toggling neurons (knot exactly on a
data point) GD near theta* is the switching system v -> (I - eta H_m(v)) v, the mode m(v) fixed by
the signs of <u_i, v>, u_i = (x_j, 1) in the (w1_i, b1_i) coordinates of a neuron i toggling at x_j
(bit 1, active, on <u_i, v> > 0).  Strong stability makes every mode non-expansive on its own cone,
so every v in the closed cone of a mode m satisfies

    eta |H_m v|^2 <= 2 v^T H_m v  =>  v^T H_m v <= (2/eta) |v|^2            (Cauchy-Schwarz)

and v^T H_m v = mean_j (grad f_m(x_j) . v)^2 >= (vbar_m . v)^2 with vbar_m = mean_j grad f_m(x_j).
For v = sigma vbar_m this gives |vbar_m|^2 <= 2/eta.  Per neuron (jump s = w2 |w1|, knot c, active
side S with A = E[|X - c| 1_S] and B = E[X 1_S]^2 + P(S)^2), AM-GM bounds the neuron's part of
|vbar_m|^2 by 2 |s| A sqrt(B) = 2 |s| g^side(c) >= 2 |s| g(c), so |vbar_m|^2 >= 1 + 2 W - whenever
sigma vbar_m lies in the cone of m.  :func:`test_mode` picks the bits and sigma that make it so:

* a toggling neuron's block of vbar_m is w2 e^b with e^b = E[(X, 1) 1_S^b] (b = 1 counts its own
  point); <u, e^1> = <u, e^0> + (1 + c^2)/n and |e^1|^2 - |e^0|^2 = (<u, e^0> + <u, e^1>)/n;
* bit 0 is consistent iff sigma w2 <u, e^0> <= 0 (and then B is the strict one of (23));
  otherwise, if sigma w2 > 0, then <u, e^0> > 0, so bit 1 is consistent and its B is larger;
* only a neuron with sigma w2 < 0 and <u, e^0> < 0 has no consistent bit ("blocking").

So if some sigma in {+1, -1} leaves no blocking neuron (in particular if all toggling neurons'
output weights share a sign, e.g. p <= 1), strong stability at eta gives 1 + 2 W <= 2/eta, hence
(24) with room Delta >= 0.  Minima where both signs leave a blocking neuron are not covered.
"""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction

from .mms_relu import Mode, Net, phi_columns, toggling

F = Fraction


def toggle_inner(net: Net, xs: Sequence[Fraction], i: int, j: int) -> Fraction:
    """<u_i, e_i^0> = (1/n) sum over data strictly on neuron i's active side of (1 + x_j x)."""
    n = len(xs)
    return sum((1 + xs[j] * x for x in xs if net.w1[i] * x + net.b1[i] > 0), F(0)) / n


def blocking(net: Net, xs: Sequence[Fraction], sigma: int) -> list[int]:
    """Toggling neurons with no mode bit that puts sigma * vbar_m in the cone of m."""
    return [i for i, j in toggling(net, xs) if sigma * net.w2[i] < 0 and toggle_inner(net, xs, i, j) < 0]


def test_mode(net: Net, xs: Sequence[Fraction]) -> tuple[int, Mode] | None:
    """(sigma, mode) with sigma vbar_mode in the closed cone of mode, by the rule above; None when
    both signs leave a blocking neuron (the class the proof does not cover)."""
    for sigma in (1, -1):
        if blocking(net, xs, sigma):
            continue
        mode: Mode = {}
        for i, j in toggling(net, xs):
            a = sigma * net.w2[i]
            mode[i] = 0 if a * toggle_inner(net, xs, i, j) <= 0 else 1
        return sigma, mode
    return None


def mean_feature(net: Net, xs: Sequence[Fraction], mode: Mode | None = None) -> list[Fraction]:
    """vbar_m = mean_j grad_theta f(x_j) in mode m (order (20))."""
    cols = phi_columns(net, xs, mode)
    n = len(cols)
    return [sum((c[r] for c in cols), F(0)) / n for r in range(len(cols[0]))]


def cone_violations(net: Net, xs: Sequence[Fraction], mode: Mode, v: Sequence[Fraction]) -> int:
    """How many toggling neurons put v outside the closed cone of ``mode`` (0: v is inside)."""
    k = net.k
    bad = 0
    for i, j in toggling(net, xs):
        s = xs[j] * v[i] + v[k + i]
        bad += (s < 0) if mode[i] == 1 else (s > 0)
    return bad


def quadratic_form(net: Net, xs: Sequence[Fraction], mode: Mode, v: Sequence[Fraction]) -> Fraction:
    """v^T H_m v = mean_j (grad f_m(x_j) . v)^2 (exact)."""
    cols = phi_columns(net, xs, mode)
    return sum((sum((a * b for a, b in zip(c, v, strict=True)), F(0)) ** 2 for c in cols), F(0)) / len(cols)


def sq_norm(v: Sequence[Fraction]) -> Fraction:
    return sum((a * a for a in v), F(0))
