"""mms library: the mean-feature proof of Theorem 2 for class S, on domain members.

``numeric/mms_mean_feature.py`` states the proof: at a minimum in class S (some sign sigma leaves no
blocking toggling neuron that is not absorbed) the test vector v (sigma vbar_m with vbar_m the mean
tangent feature in a mode m picked neuron by neuron, absorbed blocks projected onto u^perp) lies in
the closed cone of m, vbar_m . v = |v|^2 >= 1 + 2 W, and strong stability at eta forces |v|^2 <=
2/eta; so 1 + 2 W <= 2/eta and (24) holds with room Delta >= 0.  Here: the per-instance checks of
that construction (exact and arb) and the minima a float64 search found where the plain mean
feature fits no cone ("plain-blocked", ``numeric/mms_blocked_search.py``), strongly stable beyond
2/lambda_upper, rationalised; every number that bears on a verdict is recomputed exactly.  All of
them turned out to be in S (absorbed).  Outside S the search is a survey only:
``mms_blocked_search.survey(range(100, 130))`` (600000 draws) finds 5 minima outside S, none strongly
stable beyond 2/lambda_upper.
"""

from __future__ import annotations

from fractions import Fraction

import flint
import mpmath as mp

from numeric import mms_mean_feature as MF
from numeric import mms_relu as R
from numeric import mms_weight as Wt
from theorems.spec import Domain, Member, Real

from .lib_network import Minimum, edge_step, mpf, stable_step_cap, strong_stability_margin

F = Fraction


def covered(m: Minimum) -> bool:
    """Class S: some sign leaves no blocking toggling neuron that is not absorbed; the proof applies."""
    return MF.test_mode(m.net, m.xs) is not None


def plain_blocked(m: Minimum) -> bool:
    """Both signs leave a blocking neuron for the plain mean-feature vector (absorption not used)."""
    return bool(MF.blocking(m.net, m.xs, 1)) and bool(MF.blocking(m.net, m.xs, -1))


def blocked(m: Minimum) -> bool:
    return m.p > 0 and not covered(m)


def test_vector(m: Minimum) -> tuple[R.Mode, list[Fraction]] | None:
    return MF.test_vector(m.net, m.xs)


def cone_slack(inst) -> Fraction | None:
    """-(number of toggling neurons that put the test vector outside its mode's closed cone)."""
    tv = test_vector(inst["theta*"])
    if tv is None:
        return None
    m = inst["theta*"]
    return F(-MF.cone_violations(m.net, m.xs, tv[0], tv[1]))


def norm_slack(inst, dps) -> mp.mpf | None:
    """|v|^2 - (1 + 2 W) (>= 0 by AM-GM per neuron and the triangle inequality over knots)."""
    tv = test_vector(inst["theta*"])
    if tv is None:
        return None
    return mpf(MF.sq_norm(tv[1])) - 1 - 2 * inst["theta*"].W()


def norm_ball(inst) -> flint.arb:
    m = inst["theta*"]
    tv = test_vector(m)
    assert tv is not None
    q = MF.sq_norm(tv[1]) - 1
    return flint.arb(flint.fmpq(q.numerator, q.denominator)) - 2 * Wt.weighted_curvature_arb(m.net, m.xs)


def projection_slack(inst) -> Fraction | None:
    """-|vbar_m . v - |v|^2| (0: the projected test vector keeps vbar_m . v = |v|^2), exactly."""
    m = inst["theta*"]
    tv = test_vector(m)
    if tv is None:
        return None
    mode, v = tv
    vbar = MF.mean_feature(m.net, m.xs, mode)
    sigma = 1 if sum(a * b for a, b in zip(vbar, v, strict=True)) >= 0 else -1
    return -abs(sigma * sum(a * b for a, b in zip(vbar, v, strict=True)) - MF.sq_norm(v))


def stability_slack(inst, dps) -> mp.mpf | None:
    """At a strongly stable step: 2/eta - v^T H_m v / |v|^2 (the Rayleigh step of the chain; the
    proof then uses v^T H_m v >= (vbar_m . v)^2 = |v|^4)."""
    m, eta = inst["theta*"], inst["eta"]
    tv = test_vector(m)
    if tv is None:
        return None
    marg = strong_stability_margin(m, eta)
    if marg is None or marg < -mp.mpf(10) ** (-(dps // 2)):
        return None
    mode, v = tv
    return 2 / mpf(eta) - mpf(MF.quadratic_form(m.net, m.xs, mode, v) / MF.sq_norm(v))


def describe(inst, dps) -> dict:
    m = inst["theta*"]
    out = {"toggles (neuron, data index)": m.toggles, "W": m.W(), "lambda_upper": m.sharpness_upper()}
    tv = test_vector(m)
    if tv is not None:
        out["|v|^2"] = mpf(MF.sq_norm(tv[1]))
        out["mode bits"] = tv[0]
    if "eta" in inst:
        out["2/eta"] = 2 / mpf(inst["eta"])
        out["(1 + 2 W) eta / 2"] = (1 + 2 * m.W()) * mpf(inst["eta"]) / 2
    return out


# ------------------------------------------------------------------ blocked minima beyond the edge

def _q(x: float, den: int = 10**8) -> Fraction:
    return F(x).limit_denominator(den)


def rational_minimum(xs, w1, knots, w2) -> Minimum:
    """An exact minimum from float parameters: x_j, w1, off-data knots and w2 rounded to 1/10^8,
    the toggling neurons' knots put exactly on their data points (given as data values), b2 = 0,
    y_j := f(x_j)."""
    xq = tuple(_q(x) for x in xs)
    near = [min(xq, key=lambda x, c=c: abs(float(x) - c)) for c in knots[:2]]
    cs = [*near, *(_q(c) for c in knots[2:])]
    w1q = tuple(_q(w) for w in w1)
    net = R.Net(w1q, tuple(-w * c for w, c in zip(w1q, cs, strict=True)), tuple(_q(w) for w in w2), F(0))
    return Minimum(xq, tuple(net(x) for x in xq), net)


#: Plain-blocked minima (both signs leave a blocking neuron before absorption) strongly stable beyond
#: 2/lambda_upper: every hit of
#: ``numeric.mms_blocked_search.search(seed, draws=20000)`` for seeds 0..11 (240000 draws, 15 hits;
#: the seed is listed, best float64 ratio (1 + 2W) eta_max / 2 first; an informative instance needs
#: a ratio > 1), the search's float64 output to 10 significant digits: (seed, xs, w1, knots, w2).
PLAIN_BLOCKED_FOUND: tuple[tuple[int, tuple[float, ...], tuple[float, ...], tuple[float, ...], tuple[float, ...]], ...] = (
    (0, (-2.021545369, -0.7068533149, -0.1534179928, 1.178449832, 1.320008361, 2.019273722),
     (-0.2371577635, 0.1754498425), (1.178449832, -2.021545369),
     (-0.4286017888, 0.3867334715)),  # float ratio 0.6936
    (7, (-1.44788629, -0.9601556283, 0.870682843, 1.052080425, 1.340041525),
     (0.3240474141, -0.709626208), (-0.9601556283, 0.870682843),
     (-0.7017728791, 1.169707469)),  # float ratio 0.4212
    (1, (-1.297478423, -0.8194731641, -0.8047365549, 0.09064632687, 0.1458173787, 2.047314532, 2.318661356, 2.496984894),
     (-0.1051287357, 0.4383902952, 0.4244855025), (2.047314532, -1.297478423, 1.429728787),
     (0.5460472476, -0.5094588179, -0.3781838685)),  # float ratio 0.4017
    (4, (-2.248616683, -2.090826868, -0.572295032, -0.1156539556, 1.173842571, 1.745816654, 2.073011703),
     (-0.2250973525, 0.4000972976), (1.173842571, -2.090826868),
     (0.9533551801, -0.517411037)),  # float ratio 0.3792
    (2, (-2.139520618, -1.015085381, -0.8325797262, 1.674369338, 1.898380993, 2.332489285, 2.461952562),
     (-0.5967047474, 0.2787526578), (1.674369338, -1.015085381),
     (-0.8387042116, 0.915822547)),  # float ratio 0.3599
    (8, (-1.351823641, -1.121951694, -1.092954607, 2.124751859, 2.220655696, 2.441073869),
     (0.5652561581, -0.4394737475), (-1.121951694, 2.124751859),
     (-0.3572467114, 0.5411298798)),  # float ratio 0.3537
    (10, (-2.301547181, -2.000269044, 0.232749961, 0.8824846585, 1.261951415, 2.11915076),
     (-0.7374423758, 0.3865214391), (1.261951415, -2.000269044),
     (0.5003015371, -0.6000590258)),  # float ratio 0.3133
    (8, (-1.746369463, -0.7417085114, 0.118573922, 2.289559012, 2.491856341),
     (0.3508467677, -0.5131048077), (-0.7417085114, 2.289559012),
     (-0.8260801158, 1.055236378)),  # float ratio 0.2897
    (2, (-2.455871273, -1.700833622, 0.0529714452, 1.037802873, 1.57050994, 2.322723068),
     (-0.2550296522, 0.6588334744), (1.57050994, -1.700833622),
     (0.5519178746, -0.7413613957)),  # float ratio 0.2417
    (11, (-2.482835831, -2.139352567, -1.474257015, -0.7064403679, 0.5318044699, 1.122076136, 1.230176392, 1.850128814),
     (-0.7106309681, 0.8854506252), (1.122076136, -1.474257015),
     (-0.9781205359, 1.825373497)),  # float ratio 0.2117
    (2, (-2.438721435, -1.498801789, -1.305040398, -0.9310700317, -7.103433295e-05, 1.056690608, 1.196140316, 2.106115604),
     (-0.7450058102, 0.175462365), (2.106115604, -0.9310700317),
     (0.8014232937, -1.501293063)),  # float ratio 0.1797
    (8, (-1.658987817, -1.190016092, -1.177744897, 0.4324959988, 2.010888476, 2.20487914),
     (-0.4626072779, 1.145025808), (2.010888476, -1.190016092),
     (-0.8644810219, 0.8143075882)),  # float ratio 0.1474
    (11, (-2.013427876, -1.437315644, -1.011928162, -0.8076583588, 0.1928352837, 1.935830782, 2.151866629, 2.455797908),
     (-0.4251435189, 0.8608106565), (1.935830782, -2.013427876),
     (-0.9020346212, 0.5983078931)),  # float ratio 0.1467
    (9, (-1.987189589, -0.966363379, -0.8282487259, 0.8967213652, 2.024328785),
     (-1.573155471, 1.096967728), (2.024328785, -0.8282487259),
     (1.197159002, -1.811429073)),  # float ratio 0.0978
    (8, (-1.957571913, -1.643071941, -1.364560862, 0.01004403574, 0.8156962253, 1.674641299),
     (1.406194323, -1.403176612), (-1.364560862, 1.674641299),
     (1.315707466, -1.078880427)),  # float ratio 0.0970
)


def plain_blocked_member(name: str = "theta*") -> Member:
    pool = [rational_minimum(*row[1:]) for row in PLAIN_BLOCKED_FOUND]
    return Member(name, lambda rng, j: pool[j % len(pool)], description=(
        "the minima found by a float64 search over two neurons with knots on two distinct data points, output "
        "weights of opposite signs, each with mean (1 + c x) < 0 over the data strictly on its active side (the "
        "plain mean-feature vector fits no cone; n in [4, 8], k in [2, 4]), strongly stable beyond 2/lambda_upper, "
        "rationalised (1/10^8), y_j := f(x_j)"),
        admissible=lambda m: isinstance(m, Minimum) and m.interpolating and plain_blocked(m))


def plain_blocked_domain(name: str = "theta*") -> Domain:
    return Domain(
        plain_blocked_member(name),
        Real("eta", ("2/lambda_upper(theta*)", lambda s: edge_step(s[name])),
             ("the largest strongly stable step (float64 bisection, the gap beyond 2/lambda_upper shrunk by 1%)",
              lambda s: stable_step_cap(s[name])), lo_open=True),
    )
