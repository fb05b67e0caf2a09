"""mms Sec. 2: linear stability of minima (Definitions 1-2, Lemmas 1-3) and the zero mode
gradients at interpolating ReLU minima."""

from __future__ import annotations

import random
from fractions import Fraction

import mpmath as mp
import sympy as sp

from numeric import mms_relu as R
from numeric import mms_stability as S
from symbolic.mms_stability import batch_average
from theorems.claim import Kind
from theorems.spec import AllOf, Domain, ForEach, Holds, Identity, Member, Real, claim

from .lib_network import eta_cap, minima_member, toggle_domain
from .lib_stability import (
    known_spectrum,
    mpf,
    probe_directions,
    switching_quadratic,
    switching_system,
    systems_member,
)

F = Fraction
BATCH_CASES = ((2, 1, 2), (3, 2, 2), (3, 1, 1), (4, 2, 2))  # (n, B, d)


@claim("mms.def1", title="Linear stability (Definition 1)", source="Sec. 2.1, Definition 1, eq. (6)",
       kind=Kind.DEFINITION,
       statement=r"$\theta_{t+1}=\theta_t-\eta(\nabla\hat{\mathcal L}_t(\theta^*)+\nabla^2\hat{\mathcal L}_t(\theta^*)"
       r"(\theta_t-\theta^*))$ (6); $\theta^*$ is $\varepsilon$ linearly stable if $\limsup_t\mathbb E\|\theta_t-\theta^*\|"
       r"\le\varepsilon$ for every $\theta_0\in\mathcal B_\varepsilon(\theta^*)$.",
       hypotheses="a definition; checked for the facts it rests on: uniform B-subsets give E[H_b] = H and "
       "E[g_b] = 0 at a critical point (symbolic per-sample Hessians/gradients)")
def def1():
    """Definition 1: the linearised system (6) is an unbiased stochastic version of the GD
    linearisation (E_b[H_b] = H, E_b[grad L_b(theta*)] = 0), which is what makes the expectation
    in the definition (and Lemma 1) meaningful."""
    def parts(case):
        n, B, d = case
        EH, H, Eg, _, _ = batch_average(n, B, d)
        return AllOf(Identity(EH, H, label="E_b[H_b] = H"), Identity(Eg, sp.zeros(d, 1), label="E_b[g_b] = 0"))

    return ForEach(BATCH_CASES, parts, label="n={0[0]} B={0[1]} d={0[2]}")


# ------------------------------------------------------------------ Lemma 1

def _lemma1_domain() -> Domain:
    return Domain(
        systems_member(),
        Real("eta", 0, ("3/lambda_max(H) (rounded)", lambda s: F(mp.nstr(3 / s["system"].lam_max(), 20))),
             lo_open=True),
        Real("eps", F(1, 10), 1),
    )


def _lemma1_slack(inst, dps):
    sysm, eta, eps = inst["system"], inst["eta"], inst["eps"]
    tr = sysm.stationary_second_moment(eta)
    if tr is None or tr > eps * eps:  # stability not certified: outside the hypothesis
        return None
    return (2 / mpf(eta) - sysm.lam_max()) * mpf(eta) / 2


def _lemma1_growth(inst, dps):
    """lambda_max > 2/eta: E||v_t|| >= |1 - eta lambda|^t ||v_0|| (exact expectations, t <= 3)."""
    sysm, eta = inst["system"], inst["eta"]
    lam = sysm.lam_max()
    if mpf(eta) * lam <= 2:
        return None
    q = sysm.top_vector()
    v0 = [F(mp.nstr(q[i], dps + 5)) for i in range(sysm.d)]
    norms = S.expected_norms(sysm.hs, sysm.rs, sysm.B, eta, v0, 3)
    qn = mp.sqrt(mp.fsum(mpf(x) ** 2 for x in v0))
    mean = [mp.matrix([mpf(x) for x in v0])]
    A = mp.eye(sysm.d) - mpf(eta) * mp.matrix([[mpf(sysm.H[i, j]) for j in range(sysm.d)] for i in range(sysm.d)])
    for _ in range(3):
        mean.append(A * mean[-1])
    return min((norms[t] - mp.norm(mean[t])) / qn for t in range(4))


@claim("mms.lemma1", title="Necessary condition for linear stability of SGD (Lemma 1)",
       source="Sec. 2.1, Lemma 1, eq. (7)", kind=Kind.INEQUALITY, depends_on=("mms.def1",),
       statement=r"If $\theta^*$ is an $\varepsilon$ linearly stable minimum (SGD, step $\eta$, uniform independent "
       r"batches) then $\lambda_{\max}(\nabla^2\mathcal L(\theta^*))\le2/\eta$ (7).",
       hypotheses="stability is certified exactly: the second-moment operator M = E_b[A_b (x) A_b] has rho(M) < 1 "
       "(exact positive-map test) and the stationary E||theta - theta*||^2 = tr S_inf <= eps^2, which implies "
       "limsup E||theta_t - theta*|| <= eps; instances whose stability is not certified are not applicable")
def lemma1():
    """Lemma 1 (proof in App. II, not in the source): the mean dynamics E v_{t+1} = (I - eta H) E v_t
    and Jensen ||E v|| <= E||v|| force divergence along the top eigenvector when eta lambda_max > 2."""
    parts = []
    for n, B, d in BATCH_CASES[:2]:
        _, _, _, Estep, mean_step = batch_average(n, B, d)
        parts.append(Identity(Estep, mean_step, label=f"E_b[step] = (I - eta H) v (n={n}, B={B}, d={d})"))
    dom = _lemma1_domain()
    parts.append(Holds(_lemma1_slack, dom, label="certified-stable systems: eta lambda_max(H) / 2 <= 1",
                       describe=lambda inst, dps: {"lambda_max(H)": inst["system"].lam_max(),
                                                   "rho(M)": inst["system"].second_moment_radius(inst["eta"])}))
    parts.append(Holds(_lemma1_growth, dom, label="eta lambda_max > 2: E||v_t|| >= |1 - eta lambda|^t ||v_0||",
                       search=False))
    return AllOf(*parts)


# ------------------------------------------------------------------ GD sufficiency

def _gd_slack(inst, dps):
    """1 - max_t ||(I - eta H)^t v0||^2 / ||v0||^2 over t <= 12 (exact rationals)."""
    Hs, eta = inst["H"], inst["eta"]
    H = Hs.H()
    d = len(H)
    v = [F(1) / (i + 1) for i in range(d)]
    n0 = sum(x * x for x in v)
    worst = F(0)
    for _ in range(12):
        v = [v[i] - eta * sum(H[i][k] * v[k] for k in range(d)) for i in range(d)]
        worst = max(worst, sum(x * x for x in v) / n0 - 1)
    spectral = max(abs(1 - eta * lam) for lam in Hs.lams) - 1
    return -max(worst, spectral)


@claim("mms.lemma1.gd", title="Condition (7) is sufficient for GD", source="Sec. 2.1, remark after Lemma 1",
       kind=Kind.INEQUALITY, depends_on=("mms.def1", "mms.lemma1"),
       statement=r"For GD (full batch), $\lambda_{\max}(\nabla^2\mathcal L(\theta^*))\le2/\eta$ implies that $\theta^*$ "
       r"is linearly stable.",
       hypotheses="H = Q diag(lambda) Q^T PSD with rational spectrum (Q a rational Householder matrix), "
       "0 < eta <= 2/lambda_max (edge included); stability = ||(I - eta H)^t v|| <= ||v||")
def lemma1_gd():
    """Remark after Lemma 1: ||I - eta H|| = max_i |1 - eta lambda_i| <= 1 iff 0 <= H <= (2/eta) I, so
    ||theta_t - theta*|| never exceeds ||theta_0 - theta*|| (checked exactly, with 12 exact iterates)."""
    dom = Domain(Member("H", known_spectrum, description="H = Q diag(lambda) Q^T, lambda_i rational in [0, ~6], "
                        "d in {1,2,3,4}"),
                 Real("eta", 0, ("2/lambda_max", lambda s: 2 / s["H"].lams[0]), lo_open=True))

    def exact(inst):
        return _gd_slack(inst, 0)

    return Holds(lambda inst, dps: mpf(_gd_slack(inst, dps)), dom, exact=exact,
                 label="sup_t ||(I - eta H)^t v|| <= ||v||")


# ------------------------------------------------------------------ Definition 2

def _cone_consistency(inst, dps):
    """Near theta*, a toggling neuron's activation at its data point is the sign of <u_i, v>
    (pre-activation at theta* + v is exactly <u_i, v>), and no other activation changes."""
    m = inst["theta*"]
    net, xs = m.net, m.xs
    rng = random.Random(str(m))
    k = net.k
    radius = min([abs(net.w1[i] * x + net.b1[i]) for i in range(k) for x in xs if net.w1[i] * x + net.b1[i] != 0]
                 + [F(1)]) / (4 * (1 + max(abs(x) for x in xs)))
    bad = 0
    for _ in range(8):
        v = [F(rng.randint(-1000, 1000), 1000) * radius for _ in range(3 * k + 1)]
        th = [a + b for a, b in zip(net.theta(), v, strict=True)]
        moved = R.Net.from_theta(th)
        for i in range(k):
            for x in xs:
                before = net.w1[i] * x + net.b1[i]
                after = moved.w1[i] * x + moved.b1[i]
                lin = v[i] * x + v[k + i]
                if before == 0:
                    bad += (after > 0) != (lin > 0)
                else:
                    bad += (after > 0) != (before > 0)
    return mp.mpf(-bad)


@claim("mms.def2", title="Generalized linear stability / strong stability (Definition 2)",
       source="Sec. 2.2, Definition 2, eq. (13)", kind=Kind.DEFINITION,
       statement=r"Switching system (13), $\theta_t\in\mathcal A$ w.p. 1; $\varepsilon$ linearly stable: "
       r"$\limsup_t\mathbb E\|\theta_t-\theta^*\|\le\varepsilon$; strongly stable: $\sup_t\mathbb E\|\theta_t-\theta^*\|\le"
       r"\varepsilon$, for every $\theta_0\in\mathcal B_\varepsilon(\theta^*)$.",
       hypotheses="a definition; checked for the structure it assumes in the ReLU setting: near an interpolating "
       "minimum the modes are the 2^p cones {sign <u_i, theta - theta*>} (u_i = x_j e_{w1_i} + e_{b1_i}) and no other "
       "activation changes within a computed radius, so theta_t in A holds near theta*")
def def2():
    """Definition 2: the mode regions S_m around a ReLU minimum are exact half-space cones through
    theta* (the pre-activation of a neuron toggling at x_j is linear in theta), so the switching
    model (13) is well defined near theta*."""
    return Holds(_cone_consistency, toggle_domain(), label="modes near theta* = sign cones of <u_i, v>",
                 search=False)


# ------------------------------------------------------------------ Lemma 2

def _lemma2_domain(common: bool) -> Domain:
    def cap(s):
        sw, eps = s["system"], s["eps"]
        lam = min(sw.lam(0), sw.lam(1))
        excess = mpf(lam) - sw.delta() - mpf(sw.gamma()) / mpf(eps)
        if excess <= 0:
            return F(10**6)
        with mp.workdps(60):
            return F(mp.nstr(2 / excess * (1 + mp.mpf(10) ** -40), 55))

    member = Member("system", lambda rng, j: switching_system(rng, j, common), description=(
        "two modes split by sign <u, theta - theta*>, d in {2,3,4}, n in [2,4] samples, h_jm = alpha_jm^2 q q^T + "
        "b_jm b_jm^T" + (" with b_jm orthogonal to q (delta = 0)" if common else "") +
        ", zero-sum gradients r_jm, batch size B in [1, n]"))
    return Domain(member, Real("eps", F(1, 10), 2),
                  Real("eta", ("2/(lambda_lower - delta - gamma/eps) (rounded up)", cap),
                       ("3x that", lambda s: 3 * cap(s)), lo_open=True),
                  where=[("lambda_lower > delta + gamma/eps (so that (15) can hold)",
                          lambda s: cap(s) < 10**6)])


def _lemma2_slack(inst, dps):
    """max_{t <= 2} E||theta_t - theta*|| / eps - 1 from theta_0 = theta* + eps (1 - 10^-6) q (exact)."""
    sw, eps, eta = inst["system"], inst["eps"], inst["eta"]
    v0 = [eps * (1 - F(1, 10**6)) * x for x in sw.q]
    norms = sw.expected_norms(eta, v0, 2)
    return max(norms[1:]) / mpf(eps) - 1


def _lemma2_limsup(inst, dps):
    """delta = 0: E||theta_t - theta*|| / eps along a 60-step seeded simulation (20000 paths),
    log of the final ratio (> 0: the distance kept growing beyond eps)."""
    import numpy as np

    sw, eps, eta = inst["system"], inst["eps"], inst["eta"]
    rng = np.random.default_rng(7)
    steps = [[(np.array([[float(H[i, k]) for k in range(sw.d)] for i in range(sw.d)]),
               np.array([float(g[i, 0]) for i in range(sw.d)])) for H, g in sw.batch_systems(m)] for m in range(2)]
    P = 20000
    V = np.tile(np.array([float(eps) * (1 - 1e-6) * float(x) for x in sw.q]), (P, 1))
    u = np.array([float(x) for x in sw.u])
    e = float(eta)
    for _ in range(60):
        modes = (V @ u > 0).astype(int)
        out = np.empty_like(V)
        for m in range(2):
            idx = np.nonzero(modes == m)[0]
            pick = rng.integers(0, len(steps[m]), size=len(idx))
            for b, (H, g) in enumerate(steps[m]):
                sel = idx[pick == b]
                out[sel] = V[sel] - e * (g + V[sel] @ H.T)
        V = out
    ratio = float(np.linalg.norm(V, axis=1).mean()) / float(eps)
    return mp.log(mp.mpf(ratio)) if ratio > 0 else mp.mpf(-1)


@claim("mms.lemma2", title="Necessary condition for stability of the switching system (Lemma 2)",
       source="Sec. 2.2, Lemma 2, eqs. (14)-(15), footnote 3", kind=Kind.INEQUALITY, depends_on=("mms.def2",),
       statement=r"If $\|H_mq-\lambda_mq\|\le\delta$ for all $m\in\mathcal I$, $\lambda^{\rm lower}=\min_m\lambda_m$, "
       r"$\gamma=\max_m\mathbb E|q^T\hat g^{(t)}_m|$ and $\lambda^{\rm lower}>2/\eta+\delta+\gamma/\varepsilon$ (15), then "
       r"$\theta^*$ is not $\varepsilon$ strongly stable; if $\delta=0$ it is not $\varepsilon$ stable.",
       hypotheses="q a rational unit vector, lambda_m = q^T H_m q, delta = max_m ||H_m q - lambda_m q||, gamma exact over "
       "all batches; eta strictly above the threshold of (15)")
def lemma2():
    """Lemma 2 (App. III, not in the source): from theta_0 = theta* + eps' q, eps' < eps, one step
    gives E|q^T(theta_1 - theta*)| >= (eta lambda_lower - 1) eps' - eta delta eps' - eta gamma > eps."""
    return AllOf(
        Holds(_lemma2_slack, _lemma2_domain(False), strict=True,
              label="(15) => some E||theta_t - theta*|| > eps (t <= 2, exact expectation)", search=False),
        Holds(_lemma2_limsup, _lemma2_domain(True), strict=True, float64=True, samples=6,
              label="delta = 0, (15) => E||theta_t - theta*|| keeps growing (60 steps, 20000 paths)", search=False),
    )


# ------------------------------------------------------------------ Lemma 3

def _quad_slack(inst):
    sq, eta = inst["loss"], inst["eta"]
    return 1 - max(sq.one_step_ratio(eta, v) for v in probe_directions())


def _relu_switching_slack(inst, dps):
    """GD switching system (13) at a ReLU minimum with eta <= 2/lambda_upper: 1 - max_t |v_t| / |v_0|
    over 30 steps from 4 seeded starting directions (modes chosen by the sign cones)."""
    m = inst["theta*"]
    eta = mpf(inst["eta"])
    net, xs = m.net, m.xs
    k = net.k
    tog = m.toggles
    Hs = {}
    for mode in R.modes(net, xs):
        Hs[tuple(mode[i] for i, _ in tog)] = R.to_mp(R.hessian(net, xs, mode))
    rng = random.Random(str(m))
    worst = mp.mpf(0)
    for _ in range(4):
        v = mp.matrix([rng.gauss(0, 1) for _ in range(3 * k + 1)])
        n0 = mp.norm(v)
        for _ in range(30):
            bits = tuple(int(v[i] * xs[j_].numerator / xs[j_].denominator + v[k + i] > 0) for i, j_ in tog)
            v = v - eta * (Hs[bits] * v)
            worst = max(worst, mp.norm(v) / n0 - 1)
    return -worst


@claim("mms.lemma3", title="Sufficient condition for strong stability of GD, switching system (Lemma 3)",
       source="Sec. 2.2, Lemma 3, eqs. (16)-(17)", kind=Kind.INEQUALITY,
       depends_on=("mms.def2", "mms.claim.zero_grad_modes"),
       statement=r"GD; $\theta^*$ a minimum point with $\nabla\psi_m(\theta^*)=0$ for all $m\in\mathcal I$; if "
       r"$\lambda^{\rm upper}_{\max}=\max_m\lambda_{\max}(H_m)\le2/\eta$ (17) then $\theta^*$ is linearly strongly stable.",
       hypotheses="as printed: no assumption H_m >= 0.  (a) 2-D losses a|theta_1 theta_2| + (c/2)|theta|^2 (a > 0, "
       "c >= 0; theta* = 0 a global minimum, zero mode gradients), eta in (0, 2/(a+c)]; (b) interpolating ReLU minima "
       "with knots on data points, eta <= 2/lambda_upper")
def lemma3():
    """Lemma 3 (App. IV, not in the source).  With PSD mode Hessians ||I - eta H_m|| <= 1 and the
    distance never grows; the hypotheses as printed do not ask H_m >= 0, and a minimum of a
    switching loss can have indefinite mode Hessians (psi_+- = +-a theta_1 theta_2)."""
    quad = Domain(Member("loss", switching_quadratic, description="a in (0, 3], c in {0, a/2, a, 2a} or [0, 3] "
                         "(rationals)"),
                  Real("eta", 0, ("2/lambda_upper = 2/(a+c)", lambda s: 2 / s["loss"].lam_upper()), lo_open=True))
    relu = Domain(minima_member("theta*", toggles=(1, 2), width=(1, 1)),
                  Real("eta", 0, ("2/lambda_upper (rounded down)", lambda s: eta_cap(s["theta*"].sharpness_upper())),
                       lo_open=True))
    return AllOf(
        Holds(lambda inst, dps: mpf(_quad_slack(inst)), quad, exact=_quad_slack,
              label="2-D switching quadratic: one GD step never increases |theta - theta*| (exact, 96 directions)"),
        Holds(_relu_switching_slack, relu, samples=8, search=False,
              label="ReLU minima (PSD modes): sup_t |theta_t - theta*| <= |theta_0 - theta*|"),
    )


@lemma3.read_as(r"the same with the mode Hessians positive semidefinite ($H_m\succeq0$, as at ReLU minima)")
def _(printed):
    quad, relu = printed.parts
    psd = quad.domain.restrict(("c >= a (mode Hessians PSD)", lambda s: s["loss"].c >= s["loss"].a))
    return printed.replace(parts=(quad.replace(domain=psd), relu))


# ------------------------------------------------------------------ zero mode gradients

def _zero_grads(inst):
    m = inst["theta*"]
    worst = F(0)
    n = m.n
    batches = [tuple(range(n))] + [(j,) for j in range(n)] + ([(0, n - 1)] if n > 1 else [])
    for mode in R.modes(m.net, m.xs):
        for b in batches:
            g = R.loss_gradient(m.net, m.xs, m.ys, mode, b)
            worst = max(worst, max(abs(x) for x in g))
    return -worst


@claim("mms.claim.zero_grad_modes", title="Interpolating ReLU minima have zero mode gradients",
       source="Sec. 2.2 before Lemma 3; Sec. 4.2 (App. VII)", kind=Kind.IDENTITY,
       statement=r"At a global minimum with $f(x_j)=y_j$: $\nabla\psi_m(\theta^*)=0$ and $\hat g^{(t)}_m=0$ for every "
       r"mode $m\in\mathcal I$ and every batch.")
def zero_grad_modes():
    """App. VII: a toggling neuron has pre-activation 0 at its point, so phi(x_j, theta*, m_j) = y_j in
    every mode and (26) vanishes mode by mode and batch by batch (exact rationals)."""
    return Holds(lambda inst, dps: mpf(_zero_grads(inst)), toggle_domain(toggles=(1, 2, 3, 4)), exact=_zero_grads,
                 label="all 2^p mode gradients, full batch and batches {j}, {1, n}", search=False, samples=16)
