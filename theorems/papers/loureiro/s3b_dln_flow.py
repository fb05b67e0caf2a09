"""Loureiro, Section 3.2 (first half): gradient flow of the diagonal linear network, the conserved
quantity I = (u^2 - v^2)/2, the induced flow on theta = u * v, the hyperbolic-entropy potential
phi_I, its gradient and Hessian (derived from the definition, for both signs of I_j), the
mirror-flow form and the Bregman divergence in the notes' and the textbook convention."""

from __future__ import annotations

import sympy as sp

from numeric import mirror_flow as nmf
from symbolic import diagonal_network as dn
from symbolic import least_squares as ls
from symbolic import mirror_flow as mf
from theorems.claim import Kind
from theorems.spec import AllOf, Domain, Identity, Vec, claim

from . import lib, lib_dln

U, V, G = sp.symbols("u v g", real=True)  # one coordinate: u_j, v_j and g_j = (grad R)_j
TH = sp.Symbol("theta", real=True)
I_POS, I_NEG = sp.Symbol("I", positive=True), sp.Symbol("I", negative=True)


def _phi(I: sp.Symbol) -> sp.Expr:
    return (TH * sp.asinh(TH / I) - sp.sqrt(TH**2 + I**2) + I) / 2


def _sign_label(I: sp.Symbol) -> str:
    return "I_j > 0" if I.is_positive else "I_j < 0"


# ------------------------------------------------------------------ (3.14)-(3.18)


@claim("loureiro.eq3_14", title="Gradient flow on the DLN (eqs. 3.14-3.15)", source="§3.2, eqs. (3.14), (3.15)",
       kind=Kind.IDENTITY, depends_on=("loureiro.eq3_9",),
       statement=r"$\dot u=-\nabla_uL=\frac1nv\odot X^\top r$, $\dot v=\frac1nu\odot X^\top r$ with "
       r"$r(t)=y-X^\top(u\odot v)$ (also id eq3_15)")
def eq3_14():
    """(3.14)-(3.15) as printed: with r = y - X^T(u*v) (only defined for n = d; checked at 2x2)."""
    X, y, u, v = lib_dln.sym(2, 2)
    du, dv = dn.gf_field(X, y, u, v)
    r = y - X.T * dn.theta_of(u, v)
    return AllOf(Identity(du, v.multiply_elementwise(X.T * r) / 2, label="du/dt (n = d = 2)"),
                 Identity(dv, u.multiply_elementwise(X.T * r) / 2, label="dv/dt (n = d = 2)"))


@eq3_14.read_as(r"$r(t)=y-X(u\odot v)$")
def _(printed):
    X, y, u, v = lib_dln.sym(2, 3)
    du, dv = dn.gf_field(X, y, u, v)
    r = y - X * dn.theta_of(u, v)
    return AllOf(Identity(du, v.multiply_elementwise(X.T * r) / 2, label="du/dt (2x3)"),
                 Identity(dv, u.multiply_elementwise(X.T * r) / 2, label="dv/dt (2x3)"))


@claim("loureiro.eq3_16", title="Induced dynamics of theta = u * v", source="§3.2, eq. (3.16)", kind=Kind.IDENTITY,
       depends_on=("loureiro.eq3_14",),
       statement=r"$\dot\theta=\dot u\odot v+u\odot\dot v=\frac1nX^\top r(t)\odot(v^2+u^2)$")
def eq3_16():
    """(3.16): d/dt(u*v) along the GF by the chain rule (2x3), r = y - X(u*v)."""
    X, y, u, v = lib_dln.sym(2, 3)
    du, dv = dn.gf_field(X, y, u, v)
    r = y - X * dn.theta_of(u, v)
    sq = u.multiply_elementwise(u) + v.multiply_elementwise(v)
    derived = dn.induced_theta_velocity(X, y, u, v)
    return AllOf(Identity(derived, du.multiply_elementwise(v) + u.multiply_elementwise(dv), label="product rule"),
                 Identity(derived, (X.T * r / 2).multiply_elementwise(sq), label="= (1/n) X^T r * (v^2 + u^2)"))


@claim("loureiro.eq3_17", title="Integral of motion I = (u^2 - v^2)/2 (eqs. 3.17-3.18)", source="§3.2, eqs. (3.17), (3.18)",
       kind=Kind.IDENTITY, depends_on=("loureiro.eq3_14",),
       statement=r"$I(u,v)=\frac{u^2-v^2}2$ is an integral of motion: $\dot I=u\odot\dot u-v\odot\dot v=0$ (also id eq3_18)")
def eq3_17():
    """(3.17)-(3.18): dI/dt along the GF (2x3) is u*du - v*dv and vanishes; for comparison the suite also
    derives the change under one GD step, I_{k+1} = (1 - eta^2 g^2) I_k (not claimed by the notes)."""
    X, y, u, v = lib_dln.sym(2, 3)
    du, dv = dn.gf_field(X, y, u, v)
    I = dn.conserved(u, v)
    dI = dn.time_derivative(I, X, y, u, v)
    eta = sp.Symbol("eta", positive=True)
    u1, v1 = dn.gd_step(X, y, u, v, eta)
    g = ls.gradient_formula(X, y, dn.theta_of(u, v))
    return AllOf(
        Identity(dI, u.multiply_elementwise(du) - v.multiply_elementwise(dv), label="dI/dt = u*du - v*dv"),
        Identity(dI, sp.zeros(3, 1), label="dI/dt = 0"),
        Identity(dn.conserved(u1, v1), I.multiply_elementwise(sp.ones(3, 1) - eta**2 * g.multiply_elementwise(g)),
                 label="GD (derived, not claimed): I_{k+1} = (1 - eta^2 g^2) I_k"),
    )


def _theta_I():
    return U * V, (U**2 - V**2) / 2


@claim("loureiro.eq3_19", title="u^2 + v^2 in terms of theta and I", source="§3.2, eq. (3.19)", kind=Kind.IDENTITY,
       depends_on=("loureiro.eq3_17",),
       statement=r"$u^2+v^2=\sqrt{\theta^2+I^2}$ (component-wise)")
def eq3_19():
    """(3.19): (u^2 + v^2)^2 = 4 (theta^2 + I^2) for theta = uv, I = (u^2 - v^2)/2, so the derived
    constant is 2; the printed identity is checked as stated."""
    th, I = _theta_I()
    return AllOf(Identity(U**2 + V**2, lib.sqrt_factored(sp.sqrt(th**2 + I**2)), label="u^2 + v^2 = sqrt(theta^2 + I^2)"),
                 Identity(U**2 + V**2, lib.sqrt_factored(2 * sp.sqrt(th**2 + I**2)),
                          label="derived: u^2 + v^2 = 2 sqrt(theta^2 + I^2)"))


@claim("loureiro.eq3_20", title="Closed flow in theta", source="§3.2, eq. (3.20)", kind=Kind.IDENTITY,
       depends_on=("loureiro.eq3_16", "loureiro.eq3_19"),
       statement=r"$\dot\theta=-\frac2nX^\top r\odot\sqrt{\theta^2+I^2}=-2\sqrt{\theta^2+I^2}\odot\nabla_\theta\hat R_n(\theta)$")
def eq3_20():
    """(3.20): the derived velocity d(u*v)/dt (2x3 symbolic X) against each printed expression, with
    theta = u*v and I = (u^2 - v^2)/2."""
    X, y, u, v = lib_dln.sym(2, 3)
    derived = dn.induced_theta_velocity(X, y, u, v)
    th, I = dn.theta_of(u, v), dn.conserved(u, v)
    root = sp.Matrix([lib.sqrt_factored(sp.sqrt(th[j] ** 2 + I[j] ** 2)) for j in range(3)])
    r = y - X * th
    gR = ls.gradient_formula(X, y, th)
    return AllOf(Identity(derived, (-2 * X.T * r / 2).multiply_elementwise(root), label="first: -(2/n) X^T r * sqrt(theta^2 + I^2)"),
                 Identity(derived, -2 * root.multiply_elementwise(gR), label="second: -2 sqrt(theta^2 + I^2) * grad R"))


@claim("loureiro.eq3_21", title="Hyperbolic-entropy potential", source="§3.2, eq. (3.21)", kind=Kind.DEFINITION,
       depends_on=("loureiro.eq3_17",),
       statement=r"$\phi_I(\theta)=\frac12\sum_j(\theta_j\sinh^{-1}(\theta_j/I_j)-\sqrt{\theta_j^2+I_j^2}+I_j)$")
def eq3_21():
    """(3.21): the definition's basic properties for I_j > 0 (Fig. 5 has I = alpha^2): phi_I(0) = 0,
    grad phi_I(0) = 0, even in theta_j."""
    phi = _phi(I_POS)
    return AllOf(Identity(phi.subs(TH, 0), sp.Integer(0), label="phi_I(0) = 0"),
                 Identity(sp.diff(phi, TH).subs(TH, 0), sp.Integer(0), label="phi_I'(0) = 0"),
                 Identity(phi.subs(TH, -TH), phi, label="even in theta"))


@claim("loureiro.eq3_22", title="Gradient of the potential", source="§3.2, eq. (3.22)", kind=Kind.IDENTITY,
       depends_on=("loureiro.eq3_21",),
       statement=r"$\partial_{\theta_j}\phi=\sinh^{-1}(\theta_j/I_j)$")
def eq3_22():
    """(3.22): d phi_I / d theta_j derived from (3.21), for I_j > 0 and I_j < 0."""
    return AllOf(*[Identity(sp.diff(_phi(I), TH), sp.asinh(TH / I), label=f"d phi/d theta = asinh(theta/I) "
                            f"[{_sign_label(I)}]", sample=lib.witness_sampler(TH, I)) for I in (I_POS, I_NEG)])


def _mirror_part(I: sp.Symbol) -> AllOf:
    """Hess phi_I (derived from (3.21)) times the DLN velocity -(u^2 + v^2) g = -2 sqrt(theta^2+I^2) g
    (eqs. (3.16), (3.19) derived) must equal -g."""
    hess = sp.diff(_phi(I), TH, 2)
    velocity = -2 * sp.sqrt(TH**2 + I**2) * G
    return Identity(sp.simplify(hess * velocity), -G, label=f"d/dt grad phi_I = -grad R [{_sign_label(I)}]",
                    sample=lib.witness_sampler(TH, I, G))


@claim("loureiro.eq3_23", title="Mirror-flow form", source="§3.2, eq. (3.23)", kind=Kind.IDENTITY,
       depends_on=("loureiro.eq3_20", "loureiro.eq3_21", "loureiro.eq3_22"),
       statement=r"The flow (3.20) can be rewritten $\frac{d\nabla_\theta\phi}{dt}=-\nabla_\theta\hat R_n(\theta)$ "
       r"($\phi=\phi_I$, $I$ the conserved quantity): a mirror descent flow")
def eq3_23():
    """(3.23): chain rule d/dt grad phi = Hess phi . dtheta/dt with phi from (3.21) and the DLN velocity,
    for both signs of the conserved I_j = (u_j^2 - v_j^2)/2 (negative when |v_j| > |u_j|); and the
    metric identity Hess phi_I = 1/(u^2 + v^2) for I_j > 0."""
    th, I = _theta_I()
    hess_uv = sp.simplify(sp.diff(_phi(I_POS), TH, 2)).subs(TH, th).subs(I_POS, I)
    return AllOf(_mirror_part(I_POS), _mirror_part(I_NEG),
                 Identity(lib.sqrt_factored(hess_uv), 1 / (U**2 + V**2), label="Hess phi_I = 1/(u^2 + v^2) (|u| > |v|)",
                          sample=lib.witness_sampler(U, V, guard=lambda pt: abs(pt[U]) > abs(pt[V]))))


@eq3_23.read_as(r"with $I_j>0$ for every $j$ (e.g. the initialisation family (3.29) with $\alpha>0$)", name="reading")
def _(printed):
    return _mirror_part(I_POS)


# ------------------------------------------------------------------ (3.24), (3.25)

POINTS = Domain(Vec("a", -3, 3, dims=(1, 2, 3)), Vec("b", -3, 3), Vec("I", 0, 2, lo_open=True),
                note="phi = phi_I with I_j > 0; a, b the two arguments")


def _div_slack(textbook: bool):
    def slack(inst, dps):
        pot = nmf.hyperbolic_entropy(inst["I"])
        a = [lib.mpf_exact(x) for x in inst["a"]]
        b = [lib.mpf_exact(x) for x in inst["b"]]
        return nmf.bregman(pot, a, b) if textbook else nmf.bregman_gradient_at_first(pot, a, b)

    return slack


@claim("loureiro.eq3_24", title="Bregman divergence", source="§3.2, eq. (3.24)", kind=Kind.DEFINITION,
       depends_on=("loureiro.eq3_21",),
       statement=r"$D_\phi(\theta,\theta')=\phi(\theta)-\phi(\theta')-\langle\nabla\phi(\theta),\theta-\theta'\rangle$; "
       r"the Euclidean projection is recovered with $\phi=\frac12\|\theta\|_2^2$")
def eq3_24():
    """(3.24) as printed (gradient at the first argument): for phi = ||.||^2/2 it must give the Euclidean
    divergence ||theta - theta'||^2/2; and a divergence must be >= 0 (phi = phi_I, sampled)."""
    q = mf.squared_norm_potential(2)
    a, b = ls.symbolic_vector(2, "a"), ls.symbolic_vector(2, "b")
    half = ((a - b).T * (a - b))[0, 0] / 2
    phi1 = mf.hyperbolic_entropy(1)
    x, z = sp.symbols("x z", real=True)
    return AllOf(
        Identity(mf.bregman_gradient_at_first(q, a, b), half, label="phi = ||.||^2/2: D(theta, theta') = ||theta - theta'||^2/2"),
        Identity(mf.bregman_gradient_at_first(phi1, [x], [z]), -mf.bregman(phi1, [z], [x]),
                 label="relation: printed D(theta, theta') = -textbook D(theta', theta) (phi_I, d = 1)"),
        lib.on_designs(_div_slack(False), POINTS, "printed D_phi_I(a, b) >= 0").replace(describe=None),
    )


@eq3_24.read_as(r"textbook $D_\phi(\theta,\theta')=\phi(\theta)-\phi(\theta')-\langle\nabla\phi(\theta'),\theta-\theta'\rangle$, "
                r"$D_{\frac12\|\cdot\|^2}(\theta,\theta')=\frac12\|\theta-\theta'\|^2$")
def _(printed):
    q = mf.squared_norm_potential(2)
    a, b = ls.symbolic_vector(2, "a"), ls.symbolic_vector(2, "b")
    half = ((a - b).T * (a - b))[0, 0] / 2
    return AllOf(Identity(mf.bregman(q, a, b), half, label="phi = ||.||^2/2: D = ||theta - theta'||^2/2"),
                 lib.on_designs(_div_slack(True), POINTS, "textbook D_phi_I(a, b) >= 0").replace(describe=None))


def _hessian_part(I: sp.Symbol) -> Identity:
    return Identity(sp.diff(_phi(I), TH, 2), 1 / (2 * sp.sqrt(TH**2 + I**2)),
                    label=f"d^2 phi/d theta^2 = 1/(2 sqrt(theta^2 + I^2)) [{_sign_label(I)}]",
                    sample=lib.witness_sampler(TH, I))


@claim("loureiro.eq3_25", title="Hessian of the potential; strict convexity", source="§3.2, eq. (3.25)",
       kind=Kind.IDENTITY, depends_on=("loureiro.eq3_21",),
       statement=r"$\partial_j\partial_k\phi_I(\theta)=\frac{\delta_{jk}}{2\sqrt{\theta_j^2+I_j^2}}>0$: the potential is "
       r"strictly convex")
def eq3_25():
    """(3.25): second derivatives of (3.21) for both signs of I_j (the notes do not restrict the sign; the
    conserved I_j is negative when |v_j| > |u_j|); off-diagonal terms vanish (separable)."""
    phi2 = mf.hyperbolic_entropy(2)
    return AllOf(_hessian_part(I_POS), _hessian_part(I_NEG),
                 Identity(phi2.hess[0, 1], sp.Integer(0), label="off-diagonal = 0"))


@eq3_25.read_as(r"with $I_j>0$", name="reading")
def _(printed):
    return _hessian_part(I_POS)



