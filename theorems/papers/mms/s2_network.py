"""mms Sec. 3: the network (18), solutions (Definition 3), infinitely many solutions, Definition 4."""

from __future__ import annotations

import random
from dataclasses import dataclass
from fractions import Fraction

from numeric import mms_relu as R
from theorems.claim import Kind
from theorems.spec import Domain, Holds, Member, claim

from .lib_network import Minimum, minima_member, mpf, random_data

F = Fraction


def _random_net(rng: random.Random, j: int) -> R.Net:
    k = 1 + j % 6
    w1 = tuple(F(rng.randint(-20, 20), rng.randint(1, 10)) if (j + i) % 5 else F(0) for i in range(k))
    # some neurons share a knot (their jumps add up, possibly to 0)
    b1 = tuple(F(rng.randint(-30, 30), rng.randint(1, 10)) for _ in range(k))
    w2 = tuple(F(rng.randint(-20, 20), rng.randint(1, 10)) for _ in range(k))
    if k >= 3 and j % 3 == 0 and w1[0] != 0 and w1[1] != 0:
        b1 = (b1[0], -w1[1] * (-b1[0] / w1[0]), *b1[2:])
    return R.Net(w1, b1, w2, F(rng.randint(-5, 5), 3))


NETS = Domain(Member("theta", _random_net, description="k in [1, 6] neurons, rational weights (some w1 = 0, some "
                     "neurons sharing a knot)"))


def _pwl_slack(inst):
    """k - (number of slope changes of f), slopes measured exactly between sorted candidate knots,
    and f affine (three collinear exact points) on every piece."""
    net = inst["theta"]
    cands = sorted({-b / w for w, b in zip(net.w1, net.b1, strict=True) if w != 0})
    pts = [cands[0] - 1] + [(a + b) / 2 for a, b in zip(cands, cands[1:], strict=False)] + [cands[-1] + 1] if cands else [F(0)]
    slopes, affine = [], True
    for i, p in enumerate(pts):
        lo = cands[i - 1] if i > 0 else p - 2
        hi = cands[i] if i < len(cands) else p + 2
        a, b = (lo + p) / 2, (p + hi) / 2
        s1, s2 = (net(p) - net(a)) / (p - a), (net(b) - net(p)) / (b - p)
        affine &= s1 == s2
        slopes.append(s1)
    changes = sum(1 for s, t in zip(slopes, slopes[1:], strict=False) if s != t)
    return F(net.k - changes) if affine else F(-1)


@claim("mms.claim.pwl", title="Each f in F is piecewise linear with at most k knots", source="Sec. 3, after (18)",
       kind=Kind.QUALITATIVE, statement=r"Each $f\in\mathcal F$ is a piece-wise linear function with at most $k$ knots.")
def pwl():
    """After (18): neuron i can only bend f at c_i = -b1_i / w1_i; slopes are compared exactly
    between consecutive candidate knots, and each piece is checked to be affine."""
    return Holds(lambda inst, dps: mpf(_pwl_slack(inst)), NETS, exact=_pwl_slack,
                 label="k - #slope changes >= 0, every piece affine (exact)", search=False)


def _def3_slack(inst):
    """L(theta) = 0 exactly iff f(x_j) = y_j for all j, at an interpolating minimum and at the same
    network with one target moved."""
    m = inst["theta*"]
    worst = F(0)
    for shift in (F(0), F(1, 7)):
        ys = (m.ys[0] + shift, *m.ys[1:])
        loss = sum(((m.net(x) - y) ** 2 for x, y in zip(m.xs, ys, strict=True)), F(0)) / (2 * m.n)
        worst = min(worst, F(0) if (loss == 0) == R.interpolates(m.net, m.xs, ys) else F(-1))
    return worst


@claim("mms.def3", title="Solution (Definition 3)", source="Sec. 3, Definition 3", kind=Kind.DEFINITION,
       statement=r"$f\in\mathcal F$ is a solution if $\mathcal L(f)=0$; then $f(x_j)=y_j$ for all $j\in[n]$.",
       hypotheses="a definition; the stated equivalence L = 0 <=> interpolation is checked exactly")
def def3():
    """Definition 3: the quadratic loss (19) vanishes exactly when f interpolates."""
    return Holds(lambda inst, dps: mpf(_def3_slack(inst)), Domain(minima_member()), exact=_def3_slack,
                 label="L = 0 <=> f(x_j) = y_j (exact)", search=False)


def _family(xs, ys, t: Fraction) -> R.Net:
    """n neurons: the linear spline through the data (first neuron active on all data, knots at
    x_2..x_{n-1}) plus relu(x - t), t > x_max (invisible on the data)."""
    n = len(xs)
    slopes = [(ys[i + 1] - ys[i]) / (xs[i + 1] - xs[i]) for i in range(n - 1)]
    w1 = [F(1)] + [F(1)] * (n - 2) + [F(1)]
    b1 = [-(xs[0] - 1)] + [-xs[i] for i in range(1, n - 1)] + [-t]
    w2 = [slopes[0]] + [slopes[i] - slopes[i - 1] for i in range(1, n - 1)] + [F(1)]
    b2 = ys[0] - slopes[0] * 1  # f(x_1) = w2_1 * 1 + b2
    return R.Net(tuple(w1), tuple(b1), tuple(w2), b2)


@dataclass(frozen=True)
class Problem:
    """Data and a width k >= n."""

    xs: tuple[Fraction, ...]
    ys: tuple[Fraction, ...]
    k: int

    def __str__(self) -> str:
        return f"x={_fmt(self.xs)}, y={_fmt(self.ys)}, k={self.k}"


def _fmt(v) -> str:
    return "[" + ", ".join(map(str, v)) + "]"


def _problem(rng: random.Random, j: int) -> Problem:
    xs, ys = random_data(rng, 2 + j % 7)
    return Problem(xs, ys, len(xs) + (0, 1, 3)[j % 3])


def _many_slack(inst):
    """Three members t = x_max + 1, + 2, + 3 of the family: each interpolates exactly and they
    are pairwise different functions (unused neurons get zero output weights)."""
    pb = inst["problem"]
    xs, ys, k = pb.xs, pb.ys, pb.k
    nets = []
    for s in (1, 2, 3):
        net = _family(xs, ys, xs[-1] + s)
        pad = k - net.k
        nets.append(R.Net(net.w1 + (F(1),) * pad, net.b1 + (F(0),) * pad, net.w2 + (F(0),) * pad, net.b2))
    ok = all(R.interpolates(nt, xs, ys) and nt.k == k for nt in nets)
    probe = xs[-1] + 5
    distinct = len({nt(probe) for nt in nets}) == 3
    return F(0) if ok and distinct else F(-1)


@claim("mms.claim.infinitely_many", title="k >= n gives infinitely many solutions", source="Sec. 3, after Definition 3",
       kind=Kind.EXISTENCE, depends_on=("mms.def3",),
       statement=r"When $k\ge n$ there are infinitely many solutions.")
def infinitely_many():
    """After Definition 3: the spline interpolant uses n - 1 neurons; one more neuron relu(x - t)
    with t > x_max leaves the data fit unchanged and gives a different f for every t."""
    dom = Domain(Member("problem", _problem, description="n in [2, 8] distinct rational inputs, rational targets, "
                        "k in {n, n+1, n+3}", admissible=lambda p: isinstance(p, Problem) and p.k >= len(p.xs)))
    return Holds(lambda inst, dps: mpf(_many_slack(inst)), dom, exact=_many_slack,
                 label="a one-parameter family of distinct exact solutions", search=False)


def _def4_slack(inst):
    """Implementations related by neuron rescaling are the same function (exactly, at the data,
    the knots and beyond) and minima of the loss: Omega(f) is larger than one point."""
    m: Minimum = inst["theta*"]
    rng = random.Random(str(m))
    scales = [F(rng.randint(1, 9), rng.randint(1, 9)) for _ in range(m.k)]
    r = m.rescaled(scales)
    probes = list(m.xs) + [c for c, _ in R.knots(m.net)] + [m.xs[0] - 3, m.xs[-1] + 3]
    same = all(m.net(x) == r.net(x) for x in probes) and R.knots(m.net) == R.knots(r.net)
    return F(0) if same and r.interpolating else F(-1)


@claim("mms.def4", title="(Strongly) stable solution (Definition 4)", source="Sec. 3, Definition 4",
       kind=Kind.DEFINITION, depends_on=("mms.def1", "mms.def2"),
       statement=r"A solution $f$ is (strongly) stable for step size $\eta$ if some minimum point "
       r"$\theta^*\in\Omega(f)$ is linearly (strongly) stable.",
       hypotheses="a definition; checked for the fact it rests on: the implementations of f include all neuron "
       "rescalings (exact), so 'there exists an implementation' quantifies over a continuum")
def def4():
    """Definition 4 quantifies over Omega(f) (29); the rescalings (a w1, a b1, w2/a) are exact
    members of Omega(f) and keep theta a global minimum."""
    return Holds(lambda inst, dps: mpf(_def4_slack(inst)), Domain(minima_member()), exact=_def4_slack,
                 label="rescaled implementations: same f, same knots, still interpolating", search=False)

