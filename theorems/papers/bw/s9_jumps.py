"""bw App. G: jumps between regions (Definition 3: eta_1, eta_2; Lemma 17 and eqs. (82)-(90)).

One GD step multiplies the residual by p(eta) = 1 - eta lam + eta^2 c, c = eps(eps + Phi)
(eq. (6), proved in bw.eq6), so every statement here is about the quadratic p at one state
(eps, lam, Phi); reachable states satisfy lam >= 2|eps + Phi| (Cauchy-Schwarz).
"""

from __future__ import annotations

import random
from fractions import Fraction

import mpmath as mp
import sympy as sp
from flint import arb, fmpq

from numeric import samplers
from numeric.precision import mpf_of

from ... import engines
from ...claim import NOT_ENCODED, Claim, Context, Kind, Outcome, all_of
from .common import R, eps, eta, lam

Phi = R.Phi
al = sp.Symbol("alpha", real=True)
c_sym = eps * (eps + Phi)
ETA1 = (lam - sp.sqrt(lam**2 - 4 * c_sym)) / (2 * c_sym)  # (83)
ETA2 = (lam - sp.sqrt(lam**2 - 8 * c_sym)) / (2 * c_sym)  # (87)
P_OF = 1 - eta * lam + eta**2 * c_sym  # eps(t+1) / eps(t)
# scale-free form (lam > 0): u = eta lam, alpha = eps(eps + Phi)/lam^2 (Definition 3's alpha), so
# p = 1 - u + alpha u^2 and eta_1 lam, eta_2 lam are the rationalised roots U1, U2 below
u_sym = sp.Symbol("u", positive=True)
P_U = 1 - u_sym + al * u_sym**2
U1 = 2 / (1 + sp.sqrt(1 - 4 * al))  # = (1 - sqrt(1 - 4 alpha)) / (2 alpha) = eta_1 lam
U2 = 4 / (1 + sp.sqrt(1 - 8 * al))  # = eta_2 lam


# ------------------------------------------------------------------ Definition 3


def _series(expr: sp.Expr, order: int) -> sp.Expr:
    return sp.series(expr, al, 0, order).removeO()


def _def3_parts(ctx: Context, printed: bool) -> list[Outcome]:
    # closed forms in alpha = c/lam^2 (lam > 0): eta_1 = (1/lam) (1 - sqrt(1-4 alpha))/(2 alpha),
    # eta_2 = (2/lam) (1 - sqrt(1-8 alpha))/(4 alpha)
    f1 = (1 - sp.sqrt(1 - 4 * al)) / (2 * al)
    f2 = (1 - sp.sqrt(1 - 8 * al)) / (4 * al)
    parts = []
    lam_pos = sp.Symbol("lambda", positive=True)
    on = {eps: eps, lam: lam_pos}
    # the closed forms are what (83)/(87) define, and equal lam * eta_i / (1 or 2) with alpha = c/lam^2
    parts.append(engines.identity(sp.sqrt(1 - 4 * al).subs(al, c_sym / lam_pos**2) * lam_pos,
                                  sp.sqrt(lam_pos**2 - 4 * c_sym), ctx,
                                  label="sqrt(lam^2 - 4c) = lam sqrt(1 - 4 alpha) (lam > 0)"))
    parts.append(engines.identity(P_OF.xreplace(on).subs(eta, ETA1.xreplace(on)), 0, ctx,
                                  label="closed-form eta_1 solves eps(t+1) = 0 (p(eta_1) = 0)"))
    parts.append(engines.identity(P_OF.xreplace(on).subs(eta, ETA2.xreplace(on)), -1, ctx,
                                  label="closed-form eta_2 solves eps(t+1) = -eps(t) (p(eta_2) = -1)"))
    if printed:
        p1 = 1 + al + 2 * al**2 + 5 * al**3 + 14 * al**8
        order1 = 9  # the printed terms reach alpha^8: compare through alpha^8
    else:
        p1 = 1 + al + 2 * al**2 + 5 * al**3 + 14 * al**4
        order1 = 5
    p2 = 1 + 2 * al + 8 * al**2 + 40 * al**3 + 224 * al**4

    def sample(rng):
        return {al: sp.Rational(rng.randint(-9, 9), rng.randint(40, 90))}

    parts.append(engines.identity(_series(f1, order1), p1, ctx, sample=sample,
                                  label=f"(80) lam*eta_1 = series through alpha^{order1 - 1}"))
    parts.append(engines.identity(_series(f2, 5), p2, ctx, sample=sample,
                                  label="(81) lam*eta_2/2 = series through alpha^4"))
    return parts


def _check_def3(ctx: Context) -> Outcome:
    return all_of(_def3_parts(ctx, printed=True))


def _check_def3_reading(ctx: Context) -> Outcome:
    return all_of(_def3_parts(ctx, printed=False))


DEF3 = Claim(
    id="bw.def3",
    title="Definition 3: the step sizes eta_1, eta_2 as series",
    source="App. G, Definition 3, eqs. (80)-(81) (closed forms (83), (87))",
    statement=r"$\alpha=\frac{\varepsilon(\varepsilon+\Phi)}{\lambda^2}$; "
    r"$\eta_1=\frac1\lambda(1+\alpha+2\alpha^2+5\alpha^3+14\alpha^8+\dots)$, "
    r"$\eta_2=\frac2\lambda(1+2\alpha+8\alpha^2+40\alpha^3+224\alpha^4+\dots)$",
    kind=Kind.IDENTITY,
    hypotheses="lam > 0; eta_1, eta_2 are the roots (83), (87) ('the way we obtain eta_1 is by seeing "
    "for what eta we have eps(t+1) = 0'); series in alpha compared coefficientwise through the last "
    "printed power (alpha^8 for eta_1 as printed: the '...' are higher-order terms)",
    check=_check_def3,
    reading=r"$\eta_1=\frac1\lambda(1+\alpha+2\alpha^2+5\alpha^3+14\alpha^4+\dots)$ (Catalan numbers), "
    r"$\eta_1=\frac{\lambda-\sqrt{\lambda^2-4\varepsilon(\varepsilon+\Phi)}}{2\varepsilon(\varepsilon+\Phi)}$, "
    r"$\eta_2=\frac{\lambda-\sqrt{\lambda^2-8\varepsilon(\varepsilon+\Phi)}}{2\varepsilon(\varepsilon+\Phi)}$",
    reading_check=_check_def3_reading,
)


# ------------------------------------------------------------------ Lemma 17


def _state(rng: random.Random, i: int) -> dict:
    """A reachable state (eps != 0, lam >= 2|eps + Phi|, Phi > 0), regions A, B, C in turn, with
    lam = 2|eps + Phi| exactly (a = +-b) now and then."""
    Phi_v = samplers.log_uniform(rng, 1e-2, 1e2)
    region = "ABC"[i % 3]
    if region == "A":
        e = samplers.log_uniform(rng, 1e-3, 10) * Phi_v
    elif region == "B":
        e = -samplers.uniform(rng, 0.0, 1.0) * Phi_v
    else:
        e = -Phi_v - samplers.log_uniform(rng, 1e-3, 10) * Phi_v
    base = 2 * abs(e + Phi_v)
    extra = Fraction(0) if i % 5 == 4 else samplers.log_uniform(rng, 1e-3, 10) * max(base, Phi_v)
    return {"eps": e, "lam": base + extra, "Phi": Phi_v}


def _roots(st: dict) -> tuple[mp.mpf | None, mp.mpf | None]:
    """(eta_1, eta_2) at the state, None where not real (limits 1/lam, 2/lam at c = 0)."""
    e, l, P = st["eps"], st["lam"], st["Phi"]
    c = e * (e + P)
    if c == 0:
        return mpf_of(1 / l), mpf_of(2 / l)
    out = []
    for k in (4, 8):
        disc = l * l - k * c
        out.append(None if disc < 0 else (mpf_of(l) - mp.sqrt(mpf_of(disc))) / (2 * mpf_of(c)))
    return out[0], out[1]


def _p(inst: dict) -> Fraction:
    e, l, P, h = inst["eps"], inst["lam"], inst["Phi"], inst["eta"]
    return 1 - h * l + h * h * e * (e + P)


def _exact(x: Fraction) -> arb:
    return arb(fmpq(x.numerator, x.denominator))


def _rational_below(x: mp.mpf) -> Fraction:
    return Fraction(int(mp.floor(x * mp.mpf(10) ** 45)), 10**45)


def _interval_sampler(which: str):
    """eta strictly inside (0, eta_1) or (eta_1, eta_2), at a relative margin >= 1e-3 (far above
    the 1e-45 rounding of the exact rational eta); eta = 0 marks 'interval not defined'."""

    def draw(rng: random.Random, i: int) -> dict:
        st = _state(rng, i)
        with mp.workdps(60):
            e1, e2 = _roots(st)
            u = mpf_of(samplers.uniform(rng, 0.001, 0.999)) if i >= 4 else mp.mpf([0.001, 0.5, 0.9, 0.999][i])
            if which == "(0, eta1)":
                h = None if e1 is None else u * e1
            else:
                h = None if (e1 is None or e2 is None) else e1 + u * (e2 - e1)
        return {**st, "eta": Fraction(0) if h is None else _rational_below(h)}

    return draw


def _interval_slacks(which: str):
    def value(inst) -> Fraction | None:
        if inst["eta"] == 0:
            return None
        p = _p(inst)
        # bullet 1: same sign (p > 0) and |eps(1)| < |eps| (|p| < 1); bullet 2: p < 0 and |p| < 1
        return min(p if which == "(0, eta1)" else -p, 1 - abs(p))

    def slack(inst, dps):
        v = value(inst)
        return None if v is None else mpf_of(v)

    def certify(inst):
        v = value(inst)
        return None if v is None else _exact(v)

    return slack, certify


def _scale_free(draw):
    """A sampler of states and step sizes seen as (u, alpha) = (eta lam, eps(eps+Phi)/lam^2),
    exact; an undefined interval (eta = 0) maps to alpha = 1, outside every region below."""

    def point(rng: random.Random, i: int) -> dict:
        inst = draw(rng, i)
        if inst["eta"] == 0:
            return {u_sym: Fraction(1), al: Fraction(1)}
        c = inst["eps"] * (inst["eps"] + inst["Phi"])
        return {u_sym: inst["eta"] * inst["lam"], al: c / inst["lam"] ** 2}

    return point


def _scale_free_parts(ctx: Context) -> list[Outcome]:
    """The reduction of every statement about one step to (u, alpha): exact identities."""
    lam_pos = sp.Symbol("lambda", positive=True)
    at_state = {u_sym: eta * lam, al: c_sym / lam**2}
    parts = [engines.identity(P_OF, P_U.xreplace(at_state), ctx,
                              label="p(eta) = 1 - u + alpha u^2 with u = eta lam, alpha = eps(eps+Phi)/lam^2")]
    for name, root, scaled, k in (("eta_1", ETA1, U1, 4), ("eta_2", ETA2, U2, 8)):
        closed = (1 - sp.sqrt(1 - k * al)) / (2 * al)
        parts.append(engines.identity(root.xreplace({lam: lam_pos}) * lam_pos,
                                      closed.xreplace({al: c_sym.xreplace({lam: lam_pos}) / lam_pos**2}), ctx,
                                      label=f"{name} lam = (1 - sqrt(1 - {k} alpha))/(2 alpha) (lam > 0, alpha != 0)"))
        parts.append(engines.identity(closed, scaled, ctx, label=f"(1 - sqrt(1 - {k} alpha))/(2 alpha) = "
                                      f"{sp.sstr(scaled)} (its value {k // 2} at alpha = 0 is the limit {k // 2}/lam)"))
    return parts


def _lemma17_statements(ctx: Context) -> list[Outcome]:
    parts = [
        engines.identity(eps * P_OF.subs(eta, ETA1), 0, ctx, label="eta = eta_1 => eps(1) = 0"),
        engines.identity(eps * P_OF.subs(eta, ETA2), -eps, ctx, label="eta = eta_2 => eps(1) = -eps"),
        *_scale_free_parts(ctx),
    ]
    # eps(1) = p eps: sign kept iff p > 0, flipped iff p < 0, |eps(1)| < |eps| iff |p| < 1 (eps != 0);
    # the intervals where the roots are real: alpha <= 1/4 (eta_1), alpha <= 1/8 (eta_2)
    first = [al <= sp.Rational(1, 4), u_sym < U1]
    second = [al <= sp.Rational(1, 8), u_sym > U1, u_sym < U2]
    for which, dom, pieces in (("(0, eta1)", first, ((P_U, "p > 0: sign(eps1) = sign(eps)"),
                                                     (1 - P_U, "p < 1"))),
                               ("(eta1, eta2)", second, ((-P_U, "p < 0: sign(eps1) != sign(eps)"),
                                                         (1 + P_U, "p > -1")))):
        for expr, text in pieces:
            parts.append(engines.inequality(expr, ctx, strict=True, constraints=dom,
                                            sample=_scale_free(_interval_sampler(which)),
                                            label=f"eta in {which} => {text} (so |eps1| < |eps| with the other "
                                            "bound); in u = eta lam, alpha"))
    return parts


def _proof_parts(ctx: Context, only_c_positive: bool) -> list[Outcome]:
    """(83)/(85), (87)/(88), (89)/(90): the printed case analysis, as implications checked at
    exact states and step sizes (instances where the premise fails are not applicable)."""

    def in_domain(inst) -> bool:
        return not only_c_positive or inst["eps"] * (inst["eps"] + inst["Phi"]) > 0

    def draw(rng: random.Random, i: int) -> dict:
        st = _state(rng, 3 * (i // 2) + 2 * (i % 2) if only_c_positive else i)  # regions A, C only
        scale = 4 / st["lam"]
        st["eta"] = samplers.uniform(rng, 0.0, 1.0) * scale
        return st

    def premise_roots(inst, k):
        c = inst["eps"] * (inst["eps"] + inst["Phi"])
        if c == 0:
            return None
        disc = inst["lam"] ** 2 - k * c
        if disc < 0:
            return None
        r = mp.sqrt(mpf_of(disc))
        lo = (mpf_of(inst["lam"]) - r) / (2 * mpf_of(c))
        hi = (mpf_of(inst["lam"]) + r) / (2 * mpf_of(c))
        return lo, hi

    def sign_slack(k: int, shift: int):
        """(83)/(85) (k=4, shift 0): 'eta <= eta_1 or eta >= lam/c - eta_1' => p >= 0;
        (87)/(88) (k=8, shift 1): 'eta <= eta_2 or eta >= lam/c - eta_2' => p + 1 >= 0."""

        def premise(inst, dps) -> bool | None:
            if not in_domain(inst):
                return None
            with mp.workdps(dps):
                roots = premise_roots(inst, k)
                if roots is None:
                    return None
                lo, hi = roots
                h = mpf_of(inst["eta"])
                margin = mp.mpf(10) ** (-dps // 2)
                return bool(h <= lo - margin * abs(lo) or h >= hi + margin * abs(hi))

        def slack(inst, dps):
            return mpf_of(_p(inst) + shift) if premise(inst, dps) else None

        def certify(inst):
            return _exact(_p(inst) + shift) if premise(inst, 60) else None

        return slack, certify

    def toward_slack(inst, dps):
        """(89)/(90): p <= 1 => eta <= lam/c (normalised by lam/|c|)."""
        c = inst["eps"] * (inst["eps"] + inst["Phi"])
        if c == 0 or _p(inst) > 1 or not in_domain(inst):
            return None
        return mpf_of((inst["lam"] / c - inst["eta"]) / (inst["lam"] / abs(c)))

    def toward_cert(inst):
        c = inst["eps"] * (inst["eps"] + inst["Phi"])
        if c == 0 or _p(inst) > 1 or not in_domain(inst):
            return None
        return _exact((inst["lam"] / c - inst["eta"]) / (inst["lam"] / abs(c)))

    tag = " [eps(eps+Phi) > 0 only]" if only_c_positive else ""
    s83, c83 = sign_slack(4, 0)
    s87, c87 = sign_slack(8, 1)
    return [
        engines.sampled(s83, draw, ctx, certify=c83, method="exact p(eta) at sampled states",
                        label="(83)/(85): eta <= eta_1 or eta >= lam/c - eta_1 => eps(1) has the sign of eps" + tag),
        engines.sampled(s87, draw, ctx, certify=c87, method="exact p(eta) at sampled states",
                        label="(87)/(88): eta <= eta_2 or eta >= lam/c - eta_2 => |eps(1)| <= |eps| side (p >= -1)" + tag),
        engines.sampled(toward_slack, draw, ctx, certify=toward_cert, method="exact p(eta) at sampled states",
                        label="(89)/(90): p(eta) <= 1 => eta <= lam/(eps(eps+Phi))" + tag),
    ]


_LEMMA17_NOT_ENCODED = [
    "closing remark of Lemma 17: 'if eta <= eta_2 and eta <= sqrt2/eps for all the lambdas along the trajectory "
    "we always have exponential convergence if such PL condition holds': conditional on a PL condition the text "
    "does not specify; the one-step facts it rests on are the four statements checked above"]


def _check_lemma17(ctx: Context) -> Outcome:
    out = all_of(_lemma17_statements(ctx) + _proof_parts(ctx, only_c_positive=False))
    out.details["not_real_example"] = ("a = -b = x (d = 1): lam = 2x^2, eps(eps+Phi) = x^2(x^2+Phi), "
                                       "lam^2 - 4 eps(eps+Phi) = -4 Phi x^2 < 0: eta_1, eta_2 not real")
    out.details[NOT_ENCODED] = _LEMMA17_NOT_ENCODED
    return out


def _proof_parts_c_positive(ctx: Context) -> list[Outcome]:
    """(83)/(85), (87)/(88), (89)/(90) for eps(eps+Phi) > 0 (alpha in (0, 1/4]), in u = eta lam:
    lam/c - eta_k is 1/alpha - U_k after scaling by lam; each 'or' premise is its own part."""

    def draw(rng: random.Random, i: int) -> dict:
        st = _state(rng, 3 * (i // 2) + 2 * (i % 2))  # regions A, C only
        st["eta"] = samplers.uniform(rng, 0.0, 1.0) * 4 / st["lam"]
        return st

    sample = _scale_free(draw)
    pos = [al > 0]
    parts = []
    for k, root, value, target in ((4, U1, "has the sign of eps (p >= 0)", P_U),
                                   (8, U2, "is on the |eps(1)| <= |eps| side (p >= -1)", P_U + 1)):
        cap = [al <= sp.Rational(1, k)]
        name = "(83)/(85)" if k == 4 else "(87)/(88)"
        eta_k = "eta_1" if k == 4 else "eta_2"
        parts.append(engines.inequality(target, ctx, strict=False, constraints=pos + cap + [u_sym <= root],
                                        sample=sample, label=f"{name}: eta <= {eta_k} => eps(1) {value} "
                                        "[eps(eps+Phi) > 0]"))
        parts.append(engines.inequality(target, ctx, strict=False, constraints=pos + cap + [u_sym >= 1 / al - root],
                                        sample=sample, label=f"{name}: eta >= lam/c - {eta_k} => eps(1) {value} "
                                        "[eps(eps+Phi) > 0]"))
    parts.append(engines.inequality(1 - al * u_sym, ctx, strict=False, constraints=pos + [1 - P_U >= 0],
                                    sample=sample, label="(89)/(90): p(eta) <= 1 => eta <= lam/(eps(eps+Phi)) "
                                    "(as 1 - alpha u >= 0) [eps(eps+Phi) > 0]"))
    return parts


def _check_lemma17_reading(ctx: Context) -> Outcome:
    out = all_of(_lemma17_statements(ctx) + _proof_parts_c_positive(ctx))
    out.details[NOT_ENCODED] = _LEMMA17_NOT_ENCODED
    return out


LEMMA17 = Claim(
    id="bw.lemma17",
    title="Lemma 17: when one GD step keeps or flips the sign of the residual",
    source="App. G, Lemma 17 and eqs. (82)-(90)",
    statement=r"$\eta=\eta_1\Rightarrow\varepsilon(1)=0$; $\eta=\eta_2\Rightarrow\varepsilon(1)=-\varepsilon$; "
    r"$\eta\in(0,\eta_1)\Rightarrow\mathrm{sign}\,\varepsilon(1)=\mathrm{sign}\,\varepsilon,\ |\varepsilon(1)|<|\varepsilon|$; "
    r"$\eta\in(\eta_1,\eta_2)\Rightarrow\mathrm{sign}\,\varepsilon(1)\ne\mathrm{sign}\,\varepsilon,\ |\varepsilon(1)|<|\varepsilon|$; "
    r"proof: same sign iff $\eta\le\eta_1$ or $\eta\ge\frac{\lambda}{\varepsilon(\varepsilon+\Phi)}-\eta_1$ (83, 85), "
    r"likewise for $\eta_2$ (87, 88); $\varepsilon(1)$ moves toward 0 iff $\eta\le\frac\lambda{\varepsilon(\varepsilon+\Phi)}$ (89, 90)",
    kind=Kind.INEQUALITY,
    hypotheses="one GD step from a reachable state: Phi > 0, eps != 0 (at eps = 0 the strict "
    "|eps(1)| < |eps| is trivially false; not sampled), lam >= 2|eps + Phi| (edge lam = 2|eps+Phi| "
    "included), regions A, B, C; eta_1, eta_2 the closed forms (83), (87), limits 1/lam, 2/lam "
    "at eps(eps+Phi) = 0; interval statements only where the roots are real; eta sampled inside "
    "each interval (relative margin >= 1e-3) and, for the proof lines, uniformly in (0, 4/lam); "
    "p(eta) = eps(1)/eps evaluated exactly in rationals",
    check=_check_lemma17,
    reading=r"the four statements of Lemma 17, with the case analysis (83)-(90) read for "
    r"$\varepsilon(\varepsilon+\Phi)>0$ (Regions A and C), the case in which solving the quadratic as printed is valid",
    reading_check=_check_lemma17_reading,
    depends_on=("bw.eq6", "bw.def3"),
)


CLAIMS = [DEF3, LEMMA17]
