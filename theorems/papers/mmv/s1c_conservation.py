"""mmv Section I, conservation laws of deep linear networks: the imbalance matrices under GF
and GD, and the relaxation of the NTK analysis to the invariant set.

Layer convention (stated in every evidence label): layer 1 acts first, the end-to-end map is
W_L ... W_2 W_1 with W_l of shape d_l x d_{l-1}; the loss is an *arbitrary* differentiable
function of the end-to-end matrix (its gradient E = dl/dP is a matrix of free symbols).
"""

from __future__ import annotations

from fractions import Fraction

import sympy as sp

from symbolic.deep_linear import DeepLinear
from theorems.claim import Kind
from theorems.spec import AllOf, ForEach, Identity, Order, Uncheckable, claim

from .lib_deep_linear import SHAPES, gd_drift


def _conserved(dims: tuple[int, ...], order: str = "survey"):
    net = DeepLinear(dims, order)
    parts = []
    for l in range(1, net.depth):
        q = net.imbalance(l)
        parts.append(Identity(net.gf_derivative(q), sp.zeros(*q.shape), label=f"d/dt D_{l} = 0"))
    return AllOf(*parts)


@claim("mmv.imbalance_conservation", title="Imbalance matrices are conserved by GF",
       source="Sec. I, line ~173", kind=Kind.IDENTITY,
       statement=r"For an $L$ layer linear network with weights $W_l$, the quantities $W_{l+1}^\top W_{l+1}-"
       r"W_lW_l^\top$, $l=1,\dots,L-1$ (imbalance matrices) are time-invariant under GF.")
def imbalance_conservation():
    """Line ~173: d/dt (W_{l+1}^T W_{l+1} - W_l W_l^T) = 0 along GF, derived exactly on explicit
    symbolic matrices for widths 2-3-2-2, 2-2-2, 3-1-2 (rectangular) and 1-2-3-2-1 (depth 4), with
    end-to-end map W_L...W_1 (layer 1 first) and any loss of the end-to-end matrix.  With Table
    I's product W_1 W_2 ... W_L (W_l of shape d_{l-1} x d_l) the conserved quantity is
    W_l^T W_l - W_{l+1} W_{l+1}^T, also derived (widths 2-3-2-2)."""
    survey = ForEach(SHAPES, lambda dims: _conserved(dims), label="[survey order W_L...W_1, widths {}]")
    table = _conserved((2, 3, 2, 2), "table").replace(
        label="[Table I order W_1...W_L: W_l^T W_l - W_{l+1} W_{l+1}^T, widths (2, 3, 2, 2)]")
    return AllOf(survey, table)


@claim("mmv.imbalance_gd", title="Approximate conservation under GD", source="Sec. I, line ~173",
       kind=Kind.ASYMPTOTIC, depends_on=("mmv.imbalance_conservation",),
       statement=r"Analyses for GF can be translated into analyses for GD with small stepsize, where the "
       r"imbalance matrices are shown to be approximately preserved along GD trajectories.")
def imbalance_gd():
    """Line ~173: one GD step changes D_l by exactly eta^2 (G_{l+1}^T G_{l+1} - G_l G_l^T)
    (G_l = dL/dW_l; derived by expanding the step, survey order, widths 2-3-2-2 and 3-1-2, any
    loss), so over a fixed horizon T = 1 the drift is O(eta): drift/eta must stay bounded as
    eta -> 0 (mpmath GD on 1/2 |Y - W_3 W_2 W_1 X|_F^2 with fixed exact data)."""
    def one_step(dims):
        net = DeepLinear(dims)
        return AllOf(*[Identity(net.gd_change(net.imbalance(l)), net.gd_change_printed(l),
                                label=f"D_{l}(W - eta G) - D_{l}(W) = eta^2 (G_{l+1}^T G_{l+1} - G_l G_l^T)")
                       for l in range(1, net.depth)])

    etas = [Fraction(1, k) for k in (10, 20, 50, 100, 200, 500, 1000)]
    return AllOf(
        ForEach(((2, 3, 2, 2), (3, 1, 2)), one_step, label="[survey order, widths {}]"),
        Order(lambda e, dps: gd_drift(e) * e.denominator / e.numerator, etas,
              family="eta = 1/10 .. 1/1000, horizon T = 1", label="drift of D_l over T = 1 is O(eta)"),
    )


@claim("mmv.relaxation", title="Conservation-law relaxation of the NTK analysis",
       source="Sec. I, display (Examining NTK over GF trajectory => invariant set), line ~165",
       kind=Kind.INEQUALITY, depends_on=("mmv.imbalance_conservation",),
       statement=r"$\min\{\lambda_{\min}(H(\theta)):\theta\in\{\theta(t)\}_{t\ge0}\}\ge\min\{\lambda_{\min}(H(\theta)):"
       r"C_g(\theta)=C_g(\theta(0))\}$, because the trajectory lies in the level set of the conserved quantity.")
def relaxation():
    """Line ~165: the inequality is the set inclusion {theta(t)} in {C = C(theta(0))}, which holds
    exactly when dC/dt = 0 along GF; for the two-layer linear network (widths 2-3-1 and 2-2-2,
    C = W_2^T W_2 - W_1 W_1^T) that is derived exactly.  (A sampled comparison of the two minima
    cannot fail once the trajectory is inside the set, so none is counted.)"""
    return ForEach(((2, 3, 1), (2, 2, 2)), lambda dims: _conserved(dims),
                   label="[trajectory in the level set of C, widths {}]")


def _riemannian_parts():
    """The balanced case of a two-layer linear network W = W_2 W_1 (W_1: 2 x 3, W_2: 2 x 2, so
    rectangular), loss l(W) = |W - Y|_F^2 / 2 with symbolic Y, G = dl/dW = W - Y."""
    W1 = sp.Matrix(2, 3, sp.symbols("a1:7", real=True))
    W2 = sp.Matrix(2, 2, sp.symbols("b1:5", real=True))
    Y = sp.Matrix(2, 3, sp.symbols("y1:7", real=True))
    W = W2 * W1
    G = W - Y
    L = sum(e**2 for e in G) / 2
    dW1 = W1.applyfunc(lambda s_: -sp.diff(L, s_))
    dW2 = W2.applyfunc(lambda s_: -sp.diff(L, s_))
    velocity = (dW2 * W1 + W2 * dW1).applyfunc(sp.expand)
    P = W2 * W2.T * G + G * W1.T * W1
    quad = (G.T * P).trace()
    return (
        Identity(velocity, (-P).applyfunc(sp.expand),
                 label="GF on (W_1, W_2) moves W = W_2 W_1 by dW/dt = -(W_2 W_2^T G + G W_1^T W_1), G = grad l(W)"),
        Identity(((W2 * W2.T) ** 2 - W * W.T).applyfunc(sp.expand),
                 (W2 * (W2.T * W2 - W1 * W1.T) * W2.T).applyfunc(sp.expand),
                 label="(W_2 W_2^T)^2 - W W^T = W_2 D W_2^T: balanced (D = W_2^T W_2 - W_1 W_1^T = 0) gives "
                       "W_2 W_2^T = (W W^T)^{1/2} (the PSD root), a function of W"),
        Identity(((W1.T * W1) ** 2 - W.T * W).applyfunc(sp.expand),
                 (W1.T * (W1 * W1.T - W2.T * W2) * W1).applyfunc(sp.expand),
                 label="(W_1^T W_1)^2 - W^T W = -W_1^T D W_1: balanced gives W_1^T W_1 = (W^T W)^{1/2}"),
        Identity(sp.expand(quad), sp.expand(sum(e**2 for e in W2.T * G) + sum(e**2 for e in G * W1.T)),
                 label="<G, W_2 W_2^T G + G W_1^T W_1> = |W_2^T G|^2 + |G W_1^T|^2 >= 0: minus a PSD operator of W "
                       "applied to grad l(W), i.e. a Riemannian gradient flow on W"),
    )


def _det_sign_part():
    """Square 2 x 2 layers, balanced: W_2 = R W_1^T with R orthogonal (polar form; R = Cayley(r),
    times diag(1, -1) for det R = -1).  Then d/dt det W_1 = -tr(adj(W_1) W_2^T G) = -det(W_1) tr(R^T G):
    det W_1 never reaches 0 in finite time, so sign det W = det R never changes."""
    W1 = sp.Matrix(2, 2, sp.symbols("a1:5", real=True))
    G = sp.Matrix(2, 2, sp.symbols("g1:5", real=True))
    r = sp.Symbol("r", real=True)
    rot = sp.Matrix([[(1 - r**2) / (1 + r**2), -2 * r / (1 + r**2)], [2 * r / (1 + r**2), (1 - r**2) / (1 + r**2)]])

    def part(sign: int):
        R = rot * sp.diag(1, sign)
        W2 = R * W1.T
        d_det = (W1.adjugate() * (-W2.T * G)).trace()
        return Identity(sp.simplify(d_det), sp.simplify(-W1.det() * (R.T * G).trace()),
                        label=f"det R = {sign}: d/dt det W_1 = -det(W_1) tr(R^T G)")

    return ForEach((1, -1), part, label="")


@claim("mmv.balanced_riemannian", title="Balanced initialisations and Riemannian GF (cited)",
       source="Sec. I, line ~164, cited [22] (catalogue: skipped informal claims)", kind=Kind.QUALITATIVE,
       statement=r"(cited, qualitative) Bah et al. [22]: for balanced initialisations the end-to-end GF is a "
       r"Riemannian gradient flow that converges globally except on a null set.")
def balanced_riemannian():
    """Line ~164: in the balanced case (all imbalance matrices zero) GF on the weights induces a
    Riemannian gradient flow on the end-to-end matrix.  Derived exactly for two layers
    (rectangular W_1: 2 x 3, W_2: 2 x 2): the induced velocity is -(W_2 W_2^T G + G W_1^T W_1),
    balance makes W_2 W_2^T and W_1^T W_1 the PSD square roots of W W^T and W^T W (so the flow
    is a flow on W alone), and the operator is positive semidefinite.  The convergence half is
    a citation whose target the survey leaves open; the derived invariant (sign det W fixed for
    square layers) shows what separates the two readings."""
    return AllOf(
        *_riemannian_parts(),
        _det_sign_part(),
        Uncheckable("citation (Bah et al. [22]): 'global convergence (except for a zero-measure set of "
                    "initialization)' does not say to what.  Bah et al. prove convergence to a critical point for "
                    "every initialisation, and to a global minimiser on a rank-k manifold (k <= r) for almost every "
                    "one; convergence to a global minimiser of the loss fails on an open set of balanced "
                    "initialisations (square layers with det W(0) < 0 < det Y: det W keeps its sign, derived part "
                    "above).  A statement of the limit (critical point, or rank-k minimiser) would decide it",
                    label="converges globally except on a null set"),
    )
