"""Loureiro, Section 3 and 3.1: the diagonal linear network theta = u * v, its symmetry,
the loss landscape, the Jacobian of the reparametrisation, global minimisers and saddles.
Identities on symbolic X, y, u, v; set characterisations on exact constructed points."""

from __future__ import annotations

import itertools

import mpmath as mp
import sympy as sp

from symbolic import diagonal_network as dn
from symbolic import least_squares as ls
from theorems.claim import Kind
from theorems.spec import (
    AllOf,
    Choice,
    Domain,
    ForEach,
    Identity,
    Int,
    Real,
    Uncheckable,
    Vec,
    claim,
)

from . import lib, lib_dln

F = lib.F


@claim("loureiro.eq3_1", title="Diagonal linear network, two views", source="§3, eq. (3.1)", kind=Kind.IDENTITY,
       statement=r"$f(x;u,v)=\sum_ju_jv_jx_j=\langle u\odot v,x\rangle=\langle u,\sigma(Wx)\rangle$, $\sigma(z)=z$, "
       r"$W_{jk}=v_j\delta_{jk}$")
def eq3_1():
    """(3.1): <u, diag(v) x> = <u * v, x> = sum_j u_j v_j x_j (d = 3, symbolic)."""
    u, v, x = dn.vec("u", 3), dn.vec("v", 3), dn.vec("x", 3)
    return AllOf(Identity((u.T * sp.diag(*v) * x)[0, 0], (dn.theta_of(u, v).T * x)[0, 0], label="<u, W x> = <u*v, x>"),
                 Identity(sum(u[j] * v[j] * x[j] for j in range(3)), (dn.theta_of(u, v).T * x)[0, 0],
                          label="sum_j u_j v_j x_j = <u*v, x>"))


def _rescaled(d: int):
    u, v, x, b = dn.vec("u", d), dn.vec("v", d), dn.vec("x", d), dn.vec("b", d)
    binv = b.applyfunc(lambda e: 1 / e)
    f = lambda a, c: (dn.theta_of(a, c).T * x)[0, 0]  # noqa: E731
    return Identity(f(b.multiply_elementwise(u), binv.multiply_elementwise(v)), f(u, v),
                    label="f(x; b*u, b^{-1}*v) = f(x; u, v), every b_j != 0",
                    sample=lib.witness_sampler(u, v, x, b))


@claim("loureiro.eq3_2", title="Rescaling symmetry", source="Remark 1, eq. (3.2)", kind=Kind.IDENTITY,
       depends_on=("loureiro.eq3_1",),
       statement=r"For any non-zero vector $b\in\mathbb R^d$: $f(x;b\odot u,b^{-1}\odot v)=f(x;u,v)$")
def eq3_2():
    """(3.2) as printed: proved for b with every entry non-zero; for a non-zero b with a zero entry
    (e.g. b = (2, 0)) b^{-1} is undefined, so the statement has no meaning there."""
    return AllOf(_rescaled(3), Uncheckable("for a non-zero vector b with a zero entry (e.g. b = (2, 0)) the inverse "
                                           "b^{-1} is undefined: the printed hypothesis admits b where the statement has "
                                           "no meaning; the hypothesis 'every entry of b non-zero' (the reading, proved) decides it",
                                           label="non-zero b with a zero entry"))


@eq3_2.read_as(r"$b\in(\mathbb R\setminus\{0\})^d$")
def _(printed):
    return ForEach((2, 3), _rescaled, label="d={}")


NONCONVEX = lib.design_domain(lib.UNDER_SMALL, ("generic",))


def _neg_curvature_at_zero(inst):
    D = lib.design_of(inst)
    g0 = ls.gradient_formula(D.Xs(), D.ys(), sp.zeros(D.d, 1))
    return max(abs(x) for x in g0)  # Hessian at (0, 0) has eigenvalues +-g0_j: lambda_min = -max|g0_j|


@claim("loureiro.eq3_3", title="DLN empirical risk; non-convex in (u, v)", source="§3, eq. (3.3)",
       kind=Kind.IDENTITY, depends_on=("loureiro.eq3_1",),
       statement=r"$L(u,v)=\frac1{2n}\sum_i(y_i-\langle u\odot v,x_i\rangle)^2$ is convex in $\theta=u\odot v$ but not a "
       r"convex function of $(u,v)$")
def eq3_3():
    """(3.3): L = R(u*v); the Hessian of L at (0, 0) is [[0, diag g0], [diag g0, 0]] with g0 = grad R(0)
    (derived, 2x3), whose smallest eigenvalue -max|g0_j| is < 0 whenever X^T y != 0 (exact)."""
    X, y, u, v = lib_dln.sym(2, 3)
    L = dn.loss(X, y, u, v)
    H0 = sp.hessian(L, list(u) + list(v)).xreplace({s: 0 for s in list(u) + list(v)})
    g0 = ls.gradient_formula(X, y, sp.zeros(3, 1))
    block = sp.zeros(6, 6)
    block[:3, 3:] = sp.diag(*g0)
    block[3:, :3] = sp.diag(*g0)
    return AllOf(
        Identity(L, ls.risk_as_sum(X, y, dn.theta_of(u, v)), label="L(u, v) = R(u*v) (sum form)"),
        Identity(H0, block, label="Hessian of L at (0, 0)"),
        lib.on_designs(lambda inst, dps: lib.mpf_exact(_neg_curvature_at_zero(inst)), NONCONVEX,
                       "-lambda_min(Hessian of L at 0) = max_j |(X^T y)_j|/n > 0 (exact)",
                       exact=_neg_curvature_at_zero).replace(strict=True),
    )


U1, V1, Y1 = sp.symbols("u v y", real=True)
L1 = (Y1 - U1 * V1) ** 2 / 2
Y_DOM = Domain(Real("y", -3, 3), edges=[{"y": F(1)}])


def _saddle_at_11(inst):
    y = sp.Rational(inst["y"])
    at = {U1: 1, V1: 1, Y1: y}
    grad = [sp.diff(L1, s).xreplace(at) for s in (U1, V1)]
    H = sp.hessian(L1, (U1, V1)).xreplace(at)
    ev = list(H.eigenvals())
    saddle = all(g == 0 for g in grad) and min(ev) < 0 < max(ev)
    return 1 if saddle else -1


def _hyperbola_uv1_minimal(inst):
    """The printed manifold uv = 1: is its point (1, 1) a global minimiser (L = 0)?"""
    y = sp.Rational(inst["y"])
    return -L1.xreplace({U1: 1, V1: 1, Y1: y})


@claim("loureiro.eq3_4", title="Scalar example n = d = 1", source="§3, eq. (3.4), Figure 4", kind=Kind.IDENTITY,
       depends_on=("loureiro.eq3_3",),
       statement=r"$L(u,v)=\frac12(y-uv)^2$: the global minima manifold is the hyperbola $uv=1$; "
       r"$\partial_uL=-(y-uv)v$, $\partial_vL=-(y-uv)u$; the only other critical point is the saddle $u=v=1$")
def eq3_4():
    """(3.4) as printed: the partial derivatives (derived), '(1, 1) is a saddle' and 'the hyperbola uv = 1
    consists of global minima' for the target y of (3.4) (exact)."""
    return AllOf(
        Identity(sp.diff(L1, U1), -(Y1 - U1 * V1) * V1, label="dL/du"),
        Identity(sp.diff(L1, V1), -(Y1 - U1 * V1) * U1, label="dL/dv"),
        lib.on_designs(lambda inst, dps: mp.mpf(_saddle_at_11(inst)), Y_DOM, "(u, v) = (1, 1) is a saddle point",
                       exact=_saddle_at_11).replace(describe=None),
        lib.on_designs(lambda inst, dps: lib.mpf_exact(_hyperbola_uv1_minimal(inst)), Y_DOM,
                       "points of uv = 1 are global minima (L(1, 1) = 0)",
                       exact=_hyperbola_uv1_minimal).replace(describe=None),
    )


def _origin_saddle(inst):
    y = sp.Rational(inst["y"])
    H = sp.hessian(L1, (U1, V1)).xreplace({U1: 0, V1: 0, Y1: y})
    ev = list(H.eigenvals())
    return 1 if (min(ev) < 0 < max(ev)) else -1


@eq3_4.read_as(r"global minima $\{uv=y\}$ (the hyperbola $uv=1$ when $y=1$); the other critical point is $u=v=0$, "
               r"a saddle when $y\ne0$")
def _(printed):
    crit = sp.solve([sp.diff(L1, U1), sp.diff(L1, V1)], [U1, V1], dict=True)
    crit_set = sp.FiniteSet(*[sp.Tuple(c.get(U1, U1), c.get(V1, V1)) for c in crit])
    ydom = Domain(Real("y", -3, 3), where=[("y != 0", lambda s: s["y"] != 0)], edges=[{"y": F(1)}])
    return AllOf(
        Identity(sp.factor(sp.diff(L1, U1)), -(Y1 - U1 * V1) * V1, label="dL/du = -(y - uv) v"),
        Identity(sp.Integer(len(crit_set)), sp.Integer(2), label="solve grad L = 0: {(0, 0)} and the curve uv = y "
                 f"(sympy: {sp.sstr(crit_set)})"),
        Identity(L1.xreplace({V1: Y1 / U1}), sp.Integer(0), label="L = 0 on uv = y (u != 0)"),
        Identity(sp.hessian(L1, (U1, V1)).xreplace({U1: 0, V1: 0}), sp.Matrix([[0, -Y1], [-Y1, 0]]),
                 label="Hessian at (0, 0) = [[0, -y], [-y, 0]] (eigenvalues +-y)"),
        lib.on_designs(lambda inst, dps: mp.mpf(_origin_saddle(inst)), ydom, "(0, 0) is a saddle for y != 0",
                       exact=_origin_saddle).replace(describe=None),
    )


@claim("loureiro.remark2", title="Symmetry degenerates minima into orbits", source="Remark 2", kind=Kind.QUALITATIVE,
       depends_on=("loureiro.eq3_2",),
       statement=r"The constraint $\theta=u\odot v$ introduces a symmetry that degenerates the global minima into a "
       r"full orbit of the group.")
def remark2():
    """Remark 2: the loss is invariant along the orbit (b*u, v/b), so a minimiser's whole orbit are minimisers
    (derived for symbolic X, y, 2x3)."""
    X, y, u, v = lib_dln.sym(2, 3)
    b = dn.vec("b", 3)
    binv = b.applyfunc(lambda e: 1 / e)
    return Identity(dn.loss(X, y, b.multiply_elementwise(u), binv.multiply_elementwise(v)), dn.loss(X, y, u, v),
                    label="L(b*u, v/b) = L(u, v) (2x3)")


@claim("loureiro.eq3_5", title="Reparametrisation map, chain rule, Jacobian (eqs. 3.5-3.7)",
       source="§3.1, eqs. (3.5)-(3.7)", kind=Kind.IDENTITY, depends_on=("loureiro.eq3_3",),
       statement=r"$\theta(u,v)=u\odot v$, $L=\hat R_n\circ\theta$; $\nabla_{(u,v)}L=J_\theta^\top\nabla_\theta\hat R_n$; "
       r"$\partial_{u_j}\theta_k=v_k\delta_{jk}$, $\partial_{v_j}\theta_k=u_k\delta_{jk}$ (also ids eq3_6, eq3_7)")
def eq3_5():
    """(3.5)-(3.7): the Jacobian derived by SymPy is [diag v, diag u]; grad L = J^T grad R (2x3 symbolic)."""
    X, y, u, v = lib_dln.sym(2, 3)
    J = dn.jacobian(u, v)
    gu, gv = dn.gradients(X, y, u, v)
    gR = ls.gradient_formula(X, y, dn.theta_of(u, v))
    return AllOf(Identity(J, sp.Matrix.hstack(sp.diag(*v), sp.diag(*u)), label="(3.7) J = [diag v, diag u]"),
                 Identity(gu.col_join(gv), J.T * gR, label="(3.6) grad L = J^T grad R"))


def _pairs_nonzero(s) -> bool:
    return all(a * m != 0 or b * k != 0 for a, m, b, k in zip(s["u"], s["mu"], s["v"], s["mv"], strict=True))


def _rank_domain(d: int, every_pair_nonzero: bool) -> Domain:
    masks = tuple(tuple(F(b) for b in bits) for bits in itertools.product((0, 1), repeat=d))
    where = [("(u_j mu_j, v_j mv_j) != (0, 0) for every j", _pairs_nonzero)] if every_pair_nonzero else \
        [("(u*mu, v*mv) not all zero", lambda s: any(a * m for a, m in zip(s["u"], s["mu"], strict=True))
          or any(a * m for a, m in zip(s["v"], s["mv"], strict=True)))]
    return Domain(Vec("u", -2, 2, dims=(d,)), Vec("v", -2, 2), Choice("mu", options=masks), Choice("mv", options=masks),
                  where=where, note="u, v are masked entrywise by the 0/1 patterns mu, mv (zero patterns)")


def _masked(inst):
    u = sp.Matrix([sp.Rational(a * m) for a, m in zip(inst["u"], inst["mu"], strict=True)])
    v = sp.Matrix([sp.Rational(a * m) for a, m in zip(inst["v"], inst["mv"], strict=True)])
    return u, v


def _rank_full(inst):
    u, v = _masked(inst)
    return 1 if sp.Matrix.hstack(sp.diag(*v), sp.diag(*u)).rank() == len(u) else -1


def _rank_count(inst):
    u, v = _masked(inst)
    k = sum(1 for a, b in zip(u, v, strict=True) if a != 0 or b != 0)
    return 1 if sp.Matrix.hstack(sp.diag(*v), sp.diag(*u)).rank() == k else -1


CRIT_DOM = lib.design_domain(lib.shapes((3, 6), (2, 4)), ("generic",), Choice("extra", options=(F(0), F(1))),
                             note="critical-point construction: support S drawn from the seed, theta_S = least squares "
                             "restricted to S (exact), u = theta, v = 1 on S, zeros off S; extra = 1 sets "
                             "(u_j, v_j) = (1, 0) at one j outside S")


def _crit(inst):
    D = lib.design_of(inst)
    u, v, S = lib_dln.critical_point(D, int(inst["seed"]), bool(inst["extra"]))
    gu, gv, g = lib_dln.grad_L(D, u, v)
    critical = all(x == 0 for x in gu) and all(x == 0 for x in gv)
    return D, u, v, S, g, critical


def _noncritical_of_R_has_zero_pair(inst):
    D, u, v, S, g, critical = _crit(inst)
    if not critical or all(x == 0 for x in g):
        return 1
    return 1 if any(u[j] == 0 and v[j] == 0 for j in range(D.d)) else -1


@claim("loureiro.claim_jacobian_rank", title="Rank of the Jacobian", source="§3.1, after (3.7)", kind=Kind.IDENTITY,
       depends_on=("loureiro.eq3_5",),
       statement=r"$\mathrm{rank}(J_\theta(u,v))=d$ whenever the coordinates of $u$ and $v$ are not simultaneously zero; "
       r"critical points of $L$ which are not critical points of $\hat R_n$ have $(u_j,v_j)=(0,0)$ for some $j$")
def claim_jacobian_rank():
    """After (3.7), as printed ('the coordinates of u and v are not simultaneously zero' read as: no pair
    (u_j, v_j) is (0, 0)): rank J = d (exact ranks over zero patterns), and the consequence for critical
    points (exact, constructed critical points)."""
    return AllOf(
        ForEach((2, 3), lambda d: lib.on_designs(lambda inst, dps: mp.mpf(_rank_full(inst)), _rank_domain(d, True),
                                                 "rank J = d when every (u_j, v_j) != (0, 0)",
                                                 exact=_rank_full).replace(describe=None),
                label="d={}"),
        lib.on_designs(lambda inst, dps: mp.mpf(_noncritical_of_R_has_zero_pair(inst)), CRIT_DOM,
                       "critical for L but not for R => some (u_j, v_j) = (0, 0)",
                       exact=_noncritical_of_R_has_zero_pair),
    )


@claim_jacobian_rank.read_as(r"$\mathrm{rank}J=\#\{j:(u_j,v_j)\ne(0,0)\}$; 'in the kernel of the Jacobian' means "
                             r"$\nabla\hat R_n(\theta)\in\ker J^\top$")
def _(printed):
    return AllOf(
        ForEach((2, 3), lambda d: lib.on_designs(lambda inst, dps: mp.mpf(_rank_count(inst)), _rank_domain(d, False),
                                                 "rank J = #{j : (u_j, v_j) != 0}", exact=_rank_count).replace(describe=None),
                label="d={}"),
        lib.on_designs(lambda inst, dps: mp.mpf(_noncritical_of_R_has_zero_pair(inst)), CRIT_DOM,
                       "critical for L but not for R => some (u_j, v_j) = (0, 0)", exact=_noncritical_of_R_has_zero_pair),
    )


def _saddle_slack(inst, dps):
    """At constructed critical points that are not global minima (grad R(theta) != 0): the Hessian of L
    is indefinite (min(-lambda_min, lambda_max) > 0), so the point is no local extremum."""
    D, u, v, S, g, critical = _crit(inst)
    if not critical or all(x == 0 for x in g):
        return None
    return lib_dln.indefinite_slack(lib_dln.hessian_L(D, u, v), dps)


def _flat_identity():
    X, y, u, v = lib_dln.sym(2, 3)
    a = sp.Symbol("alpha", real=True)
    z = {u[0]: 0, v[0]: 0}
    L0 = dn.loss(X, y, u, v).xreplace(z)
    e1 = sp.Matrix([1, 0, 0])
    return AllOf(Identity(dn.loss(X, y, u, v + a * e1).xreplace(z), L0, label="L(u, v + alpha e_j) = L(u, v) if u_j = v_j = 0"),
                 Identity(dn.loss(X, y, u + a * e1, v).xreplace(z), L0, label="L(u + alpha e_j, v) = L(u, v) if u_j = v_j = 0"))


@claim("loureiro.claim_flat_direction", title="Flat directions; only global minima are local extremisers",
       source="§3.1, after (3.7)", kind=Kind.QUALITATIVE, depends_on=("loureiro.claim_jacobian_rank",),
       statement=r"If $(u_j,v_j)=(0,0)$ then $L(u,v+\alpha e_j)=L(u,v)$ (similarly for $u$); hence the only local "
       r"extremisers of $L$ are the global minima")
def claim_flat_direction():
    """After (3.7): flatness (derived, 2x3) and the conclusion, checked by the second-order argument: at
    every constructed non-global critical point the Hessian of L is indefinite."""
    return AllOf(_flat_identity().replace(label="flatness (2x3)"), lib.on_designs(_saddle_slack, CRIT_DOM, "non-global critical points: Hessian "
                                                  "indefinite").replace(strict=True))


@claim_flat_direction.read_as(r"$(u,v)\in\mathbb R^{2d}$; the first sentence of §3.1 refers to extremisers of $L$")
def _(printed):
    return printed


MIN_DOM = Domain(Int("case", 0, 10**6), note="case 0: X = [1, 0], y = 1, (u, v) = ((1, 1), (1, 0)); other cases: "
                 "exact designs 1x2, 2x3, 3x6, 2x5 with an interpolator theta* having theta*_d = 0 and (u_d, v_d) = (1, 0)")


def _minimiser_in_printed_set(inst):
    D, theta, u, v = lib_dln.minimiser_instance(inst)
    assert dn.loss(D.Xs(), D.ys(), u, v) == 0
    return 1 if lib_dln.in_printed_minimiser_set(theta, u, v) else -1


def _describe_min(inst, dps):
    D, theta, u, v = lib_dln.minimiser_instance(inst)
    return {**D.text(), "u": sp.sstr(list(u)), "v": sp.sstr(list(v)), "L(u, v)": sp.sstr(dn.loss(D.Xs(), D.ys(), u, v))}


def _set_equality():
    t = sp.Symbol("t", nonzero=True, real=True)
    b = sp.Symbol("b", nonzero=True, real=True)
    w = sp.sign(t) * sp.sqrt(sp.Abs(t)) * b * sp.sqrt(sp.Abs(t)) / b
    return AllOf(
        Identity(w, t, label="right-hand side is contained: (sign t sqrt|t| b)(sqrt|t|/b) = t"),
        lib.on_designs(lambda inst, dps: mp.mpf(_minimiser_in_printed_set(inst)), MIN_DOM,
                       "every global minimiser lies in the printed set", exact=_minimiser_in_printed_set)
        .replace(describe=_describe_min),
        label="(3.8)/(3.12) set equality",
    )


@claim("loureiro.eq3_8", title="Global minimisers of L (= prop1_a, eq. 3.12)", source="§3.1, eq. (3.8); eq. (3.12)",
       kind=Kind.IDENTITY, depends_on=("loureiro.claim_flat_direction", "loureiro.eq2_5"),
       statement=r"$\arg\min L=\{(\mathrm{sign}(\theta_\star)\sqrt{|\theta_\star|}\odot b,\sqrt{|\theta_\star|}\odot b^{-1}):"
       r"\theta_\star\in\mathcal I,b\in\mathbb R^d,b\ne0\}$")
def eq3_8():
    """(3.8): both inclusions; the reverse one is tested on global minimisers (L = 0 exactly) whose
    image has a zero coordinate (exact membership test)."""
    return _set_equality()


@eq3_8.read_as(r"$b\in(\mathbb R\setminus\{0\})^d$")
def _(printed):
    return printed


@claim("loureiro.eq3_9", title="Gradients of L", source="§3.1, eq. (3.9)", kind=Kind.IDENTITY,
       depends_on=("loureiro.eq3_5",),
       statement=r"$\nabla_uL=-\frac1nv\odot X^\top(y-X^\top(u\odot v))=v\odot\nabla_\theta\hat R(u\odot v)$, and the same "
       r"with $u$ for $\nabla_vL$")
def eq3_9():
    """(3.9) as printed: the middle expression uses X^T (u*v), defined only for n = d (checked at 2x2); the
    right-hand form v * grad R (2x3)."""
    X, y, u, v = lib_dln.sym(2, 2)
    gu, gv = dn.gradients(X, y, u, v)
    printed_u = -v.multiply_elementwise(X.T * (y - X.T * dn.theta_of(u, v))) / 2
    printed_v = -u.multiply_elementwise(X.T * (y - X.T * dn.theta_of(u, v))) / 2
    X3, y3, u3, v3 = lib_dln.sym(2, 3)
    gu3, gv3 = dn.gradients(X3, y3, u3, v3)
    gR = ls.gradient_formula(X3, y3, dn.theta_of(u3, v3))
    return AllOf(
        Identity(gu, printed_u, label="grad_u L = -(1/n) v * X^T(y - X^T(u*v)) (n = d = 2)"),
        Identity(gv, printed_v, label="grad_v L = -(1/n) u * X^T(y - X^T(u*v)) (n = d = 2)"),
        Identity(gu3.col_join(gv3), v3.multiply_elementwise(gR).col_join(u3.multiply_elementwise(gR)),
                 label="(grad_u L, grad_v L) = (v * grad R, u * grad R) (2x3)"),
    )


@eq3_9.read_as(r"inner $X(u\odot v)$ instead of $X^\top(u\odot v)$")
def _(printed):
    X, y, u, v = lib_dln.sym(2, 3)
    gu, gv = dn.gradients(X, y, u, v)
    r = y - X * dn.theta_of(u, v)
    return AllOf(Identity(gu, -v.multiply_elementwise(X.T * r) / 2, label="grad_u L = -(1/n) v * X^T r (2x3)"),
                 Identity(gv, -u.multiply_elementwise(X.T * r) / 2, label="grad_v L = -(1/n) u * X^T r (2x3)"))


def _printed_condition_char(inst):
    """critical <=> dR/dtheta_j = 0 for j outside supp(theta_c) (the printed condition)."""
    D, u, v, S, g, critical = _crit(inst)
    th = dn.theta_of(u, v)
    cond = all(g[j] == 0 for j in range(D.d) if th[j] == 0)
    return 1 if cond == critical else -1


def _reading_condition_char(inst):
    D, u, v, S, g, critical = _crit(inst)
    cond = all(g[j] == 0 for j in range(D.d) if (u[j] != 0 or v[j] != 0))
    return 1 if cond == critical else -1


def _restricted_argmin(inst):
    """(3.11)/(3.13): at a critical point, theta_c minimises R over {theta_j = 0 off supp(theta_c)}:
    the restricted gradient vanishes (convex problem, exact)."""
    D, u, v, S, g, critical = _crit(inst)
    if not critical:
        return 1
    th = dn.theta_of(u, v)
    return 1 if all(g[j] == 0 for j in range(D.d) if th[j] != 0) else -1


def _orbit_identity():
    X, y, u, v = lib_dln.sym(2, 3)
    b = dn.vec("b", 3)
    binv = b.applyfunc(lambda e: 1 / e)
    gu, gv = dn.gradients(X, y, u, v)
    us, vs = dn.vec("U", 3), dn.vec("V", 3)
    gu2, gv2 = dn.gradients(X, y, us, vs)
    sub = {**dict(zip(list(us), list(b.multiply_elementwise(u)), strict=True)),
           **dict(zip(list(vs), list(binv.multiply_elementwise(v)), strict=True))}
    return Identity(gu2.xreplace(sub).col_join(gv2.xreplace(sub)),
                    binv.multiply_elementwise(gu).col_join(b.multiply_elementwise(gv)),
                    label="grad L on the orbit: (grad_u L / b, b grad_v L): critical points map to critical points")


@claim("loureiro.eq3_10", title="Non-minimal critical points via the support (eqs. 3.10-3.11)",
       source="§3.1, eqs. (3.10), (3.11)", kind=Kind.IDENTITY, depends_on=("loureiro.eq3_9",),
       statement=r"critical points: the condition can be written $\nabla_\theta\hat R_n(\theta)_j=0$ for "
       r"$j\notin\mathrm{supp}(\theta_c)$; saddles: $\theta_c\in\arg\min_{\theta_j=0,j\notin\mathrm{supp}(\theta_c)}\hat R_n$; "
       r"orbits of saddles are saddles (also id eq3_11)")
def eq3_10():
    """(3.10)-(3.11) as printed: the critical-point condition 'dR_j = 0 for j outside the support' against
    exact criticality at constructed points; (3.11) at critical points; orbit invariance (derived)."""
    return AllOf(
        lib.on_designs(lambda inst, dps: mp.mpf(_printed_condition_char(inst)), CRIT_DOM,
                       "critical <=> dR_j = 0 for j not in supp(theta_c) (as printed)", exact=_printed_condition_char),
        lib.on_designs(lambda inst, dps: mp.mpf(_restricted_argmin(inst)), CRIT_DOM,
                       "(3.11): theta_c = restricted argmin at critical points", exact=_restricted_argmin),
        _orbit_identity(),
    )


@eq3_10.read_as(r"the condition is $\partial_j\hat R_n(\theta_c)=0$ for every $j$ with $(u_{c,j},v_{c,j})\ne(0,0)$ "
                r"(in particular on $\mathrm{supp}(\theta_c)$)")
def _(printed):
    return AllOf(
        lib.on_designs(lambda inst, dps: mp.mpf(_reading_condition_char(inst)), CRIT_DOM,
                       "critical <=> dR_j = 0 wherever (u_j, v_j) != (0, 0)", exact=_reading_condition_char),
        lib.on_designs(lambda inst, dps: mp.mpf(_restricted_argmin(inst)), CRIT_DOM,
                       "(3.11): theta_c = restricted argmin at critical points", exact=_restricted_argmin),
        _orbit_identity(),
    )


def _image_condition_realised(inst):
    """(3.13) (ii): a theta satisfying the restricted-argmin condition is the image of a critical point
    (u = theta, v = 1 on supp theta, zeros off it)."""
    D, u, v, S, g, critical = _crit(inst)
    th = dn.theta_of(u, v)
    u2 = th
    v2 = sp.Matrix([1 if th[j] != 0 else 0 for j in range(D.d)])
    gu, gv, _ = lib_dln.grad_L(D, u2, v2)
    return 1 if all(x == 0 for x in gu) and all(x == 0 for x in gv) else -1


@claim("loureiro.prop1", title="Proposition 1: critical points of the DLN loss", source="§3.1, Proposition 1, (3.12)-(3.13)",
       kind=Kind.IDENTITY, depends_on=("loureiro.eq3_8", "loureiro.eq3_10", "loureiro.claim_flat_direction"),
       statement=r"In the underspecified regime $d>d$: (a) the only extremisers of $L$ are global minima, "
       r"$\arg\min L=\{(\mathrm{sign}(\theta_\star)\sqrt{|\theta_\star|}\odot b,\sqrt{|\theta_\star|}\odot b^{-1})\}$ (3.12); "
       r"(b) all other critical points are saddles with $\theta_c\in\arg\min_{\theta_j=0,j\notin\mathrm{supp}(\theta_c)}"
       r"\hat R_n$ (3.13)")
def prop1():
    """Proposition 1: (a) the set (3.12) as in eq3_8 and 'no spurious extremiser' (indefinite Hessian at
    non-global critical points); (b) images of critical points satisfy (3.13) and every such image is
    realised by a critical point."""
    return AllOf(
        _set_equality(),
        lib.on_designs(_saddle_slack, CRIT_DOM, "non-global critical points are saddles (indefinite Hessian)")
        .replace(strict=True),
        lib.on_designs(lambda inst, dps: mp.mpf(_restricted_argmin(inst)), CRIT_DOM,
                       "(3.13) holds at critical points", exact=_restricted_argmin),
        lib.on_designs(lambda inst, dps: mp.mpf(_image_condition_realised(inst)), CRIT_DOM,
                       "(3.13) images are images of critical points", exact=_image_condition_realised),
    )


@prop1.read_as(r"underspecified regime $d>n$; critical points of $L$ in (3.3); $b\in(\mathbb R\setminus\{0\})^d$")
def _(printed):
    return printed
