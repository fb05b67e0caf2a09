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

A blocking neuron is still fine ("absorbed", :func:`absorbed`) when bit 1 is consistent after all
(<u, e^1> < 0) with A sqrt(B(incl. x_j)) >= g(c), or when its block is projected onto u^perp
(<u, v> = 0: the cone's boundary, bit 0) and A^2 / sqrt(1 + c^2) >= g(c): |e|^2 (1 + c^2) =
<u, e>^2 + E[(X - c) 1_S]^2, and the projection keeps vbar_m . v = |v|^2.

So if some sigma in {+1, -1} leaves no blocking neuron that is not absorbed (class S; it contains
every minimum whose toggling neurons' output weights share a sign, e.g. p <= 1), strong stability
at eta gives 1 + 2 W <= 2/eta, hence (24) with room Delta >= 0.  Independently of stability, eta
<= 2/lambda_upper gives the same (bit 0 everywhere needs no cone: lambda_upper >= lambda_max(H_0)
>= |vbar_0|^2 >= 1 + 2 W).  Only minima outside S that are strongly stable beyond 2/lambda_upper
remain.
"""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction

from .mms_relu import Mode, Net, phi_columns, toggling
from .mms_weight import g_side_parts

F = Fraction


def toggle_inner(net: Net, xs: Sequence[Fraction], i: int, j: int) -> Fraction:
    """<u_i, e_i^0> = (1/n) sum over data strictly on neuron i's active side of (1 + x_j x)."""
    n = len(xs)
    return sum((1 + xs[j] * x for x in xs if net.w1[i] * x + net.b1[i] > 0), F(0)) / n


def blocking(net: Net, xs: Sequence[Fraction], sigma: int) -> list[int]:
    """Toggling neurons with no mode bit that puts their block of sigma * vbar_m in the cone of m."""
    return [i for i, j in toggling(net, xs) if sigma * net.w2[i] < 0 and toggle_inner(net, xs, i, j) < 0]


def g_squared(c: Fraction, xs: Sequence[Fraction]) -> Fraction:
    """g(c)^2 = min over the two sides of A^2 B ((22)-(23), strict), exactly; c in [x_min, x_max]."""
    return min(A * A * B for A, B in (g_side_parts(c, xs, side) for side in "-+"))


def absorbed(net: Net, xs: Sequence[Fraction], i: int, j: int) -> str | None:
    """How a blocking neuron i (knot c = x_j, active side S) still gets its 2 |s| g(c):
    "bit1" when <u, e^1> < 0 (bit 1 is consistent for sigma w2 < 0) and A^2 B(S incl. x_j) >= g(c)^2;
    "project" when A^4 / (1 + c^2) >= g(c)^2 (bit 0, the block projected onto u^perp, where its
    norm is |E[(X - c) 1_S]| / |u| = A / sqrt(1 + c^2)); None otherwise."""
    c, n = xs[j], len(xs)
    side = "+" if net.w1[i] > 0 else "-"
    G = g_squared(c, xs)
    t1 = toggle_inner(net, xs, i, j) + (1 + c * c) / n
    An, Bn = g_side_parts(c, xs, side, strict=False)
    if t1 < 0 and An * An * Bn >= G:
        return "bit1"
    A, _ = g_side_parts(c, xs, side, strict=True)
    if A ** 4 >= G * (1 + c * c):
        return "project"
    return None


def test_mode(net: Net, xs: Sequence[Fraction]) -> tuple[int, Mode, frozenset[int]] | None:
    """(sigma, mode, projected neurons) for which the test vector (sigma vbar_mode, the blocks of the
    projected neurons projected onto u^perp) lies in the closed cone of mode and every neuron keeps
    its 2 |s| g(c); None when both signs leave a blocking neuron that is not absorbed (the class
    the proof does not cover)."""
    for sigma in (1, -1):
        mode: Mode = {}
        projected: set[int] = set()
        for i, j in toggling(net, xs):
            a = sigma * net.w2[i]
            t0 = toggle_inner(net, xs, i, j)
            if a * t0 <= 0:
                mode[i] = 0
            elif a > 0:
                mode[i] = 1
            else:
                how = absorbed(net, xs, i, j)
                if how is None:
                    break
                mode[i] = 1 if how == "bit1" else 0
                if how == "project":
                    projected.add(i)
        else:
            return sigma, mode, frozenset(projected)
    return None


def test_vector(net: Net, xs: Sequence[Fraction]) -> tuple[Mode, list[Fraction]] | None:
    """(mode m, v): v = sigma vbar_m with the projected neurons' (w1, b1) blocks projected onto
    u^perp (then <u, v> = 0: the boundary, mode bit 0), so vbar_m . v = |v|^2."""
    tm = test_mode(net, xs)
    if tm is None:
        return None
    sigma, mode, projected = tm
    v = [sigma * a for a in mean_feature(net, xs, mode)]
    k = net.k
    for i, j in toggling(net, xs):
        if i in projected:
            x = xs[j]
            t = (x * v[i] + v[k + i]) / (1 + x * x)
            v[i] -= t * x
            v[k + i] -= t
    return mode, v


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
