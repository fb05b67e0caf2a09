"""Deep linear networks on explicit matrices: imbalance matrices and their dynamics.

Layer convention (the survey's, Section I): layer 1 acts first, the end-to-end map is
``P = W_L ... W_2 W_1`` with ``W_l`` of shape ``dims[l] x dims[l-1]``.  The loss is any
differentiable function of ``P``; its gradient is represented by a matrix of free symbols
``E = dl/dP`` so that every identity derived here holds for *every* such loss.  The Table-I
convention ``P = W_1 W_2 ... W_L`` is available with ``order="table"``.

* :func:`layer_gradients` - ``G_l = dL/dW_l`` by the chain rule on explicit entries
  (checked against direct differentiation of a squared loss in the tests).
* :func:`imbalance` - ``W_{l+1}^T W_{l+1} - W_l W_l^T`` (or the Table-I form).
* :func:`gf_derivative` - d/dt of a matrix quantity along GF ``dW_l/dt = -G_l``.
* :func:`gd_change` - the exact change of a quantity under one GD step, as a polynomial
  in the step size ``eta``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cached_property

import sympy as sp

ETA = sp.Symbol("eta", positive=True)


def _mat(name: str, rows: int, cols: int) -> sp.Matrix:
    return sp.Matrix(rows, cols, lambda i, j: sp.Symbol(f"{name}_{i + 1}{j + 1}", real=True))


def _prod(ms: Sequence[sp.Matrix], size: int) -> sp.Matrix:
    out = sp.eye(size)
    for m in ms:
        out = out * m
    return out


@dataclass
class DeepLinear:
    """Explicit symbolic weights for a deep linear network.

    ``dims = (d_0, d_1, ..., d_L)``: input width d_0, output width d_L.  With
    ``order="survey"`` (default) ``W_l`` is ``d_l x d_{l-1}`` and ``P = W_L ... W_1``; with
    ``order="table"`` ``W_l`` is ``d_{l-1} x d_l`` and ``P = W_1 ... W_L``.
    """

    dims: tuple[int, ...]
    order: str = "survey"

    def __post_init__(self) -> None:
        if len(self.dims) < 3 or any(int(d) < 1 for d in self.dims):
            raise ValueError("dims needs at least 3 positive widths (depth >= 2)")
        if self.order not in ("survey", "table"):
            raise ValueError("order must be 'survey' (W_L...W_1) or 'table' (W_1...W_L)")

    @property
    def depth(self) -> int:
        return len(self.dims) - 1

    @cached_property
    def weights(self) -> list[sp.Matrix]:
        d = self.dims
        if self.order == "survey":
            return [_mat(f"W{l}", d[l], d[l - 1]) for l in range(1, self.depth + 1)]
        return [_mat(f"W{l}", d[l - 1], d[l]) for l in range(1, self.depth + 1)]

    @cached_property
    def product(self) -> sp.Matrix:
        ws = self.weights
        if self.order == "survey":
            return _prod(list(reversed(ws)), self.dims[-1])
        return _prod(ws, self.dims[0])

    @cached_property
    def loss_gradient(self) -> sp.Matrix:
        """E = dl/dP: free symbols standing for the gradient of an arbitrary loss of P."""
        return _mat("E", *self.product.shape)

    def state(self) -> list[sp.Symbol]:
        return [s for w in self.weights for s in w]

    def layer_gradients(self, E: sp.Matrix | None = None) -> list[sp.Matrix]:
        """G_l = dL/dW_l for a loss whose gradient in P is E (chain rule on P)."""
        E = self.loss_gradient if E is None else E
        ws, L = self.weights, self.depth
        out = []
        for l in range(L):
            if self.order == "survey":  # P = A W_l B, A = W_L..W_{l+1}, B = W_{l-1}..W_1
                A = _prod(list(reversed(ws[l + 1:])), self.dims[-1])
                B = _prod(list(reversed(ws[:l])), self.dims[l])
            else:  # P = A W_l B, A = W_1..W_{l-1}, B = W_{l+1}..W_L
                A = _prod(ws[:l], self.dims[0])
                B = _prod(ws[l + 1:], self.dims[l + 1])
            out.append(A.T * E * B.T)
        return out

    def imbalance(self, l: int, transpose_error: bool = False) -> sp.Matrix:
        """D_l for l = 1..L-1.  Survey order: W_{l+1}^T W_{l+1} - W_l W_l^T; Table-I order:
        W_l^T W_l - W_{l+1} W_{l+1}^T.  ``transpose_error=True`` swaps every transpose (a
        deliberately wrong quantity, for engine tests; square layers only)."""
        if not 1 <= l < self.depth:
            raise ValueError(f"imbalance index l must be in 1..{self.depth - 1}")
        a, b = self.weights[l - 1], self.weights[l]
        if self.order == "survey":
            q = (b * b.T - a.T * a) if transpose_error else (b.T * b - a * a.T)
        else:
            q = (a * a.T - b.T * b) if transpose_error else (a.T * a - b * b.T)
        return q

    def flow(self, E: sp.Matrix | None = None) -> dict[sp.Symbol, sp.Expr]:
        """GF field dW/dt = -G on every entry."""
        out = {}
        for w, g in zip(self.weights, self.layer_gradients(E), strict=True):
            for s, gv in zip(w, g, strict=True):
                out[s] = -gv
        return out

    def gf_derivative(self, q: sp.Matrix, E: sp.Matrix | None = None) -> sp.Matrix:
        field = self.flow(E)
        return q.applyfunc(lambda e: sp.expand(sum(sp.diff(e, s) * v for s, v in field.items())))

    def gd_change(self, q: sp.Matrix, E: sp.Matrix | None = None) -> sp.Matrix:
        """q(W - eta G) - q(W), expanded (E held at its value at the current iterate)."""
        step = {s: s + ETA * v for s, v in self.flow(E).items()}
        return q.applyfunc(lambda e: sp.expand(e.xreplace(step) - e))

    def gd_change_printed(self, l: int, E: sp.Matrix | None = None) -> sp.Matrix:
        """eta^2 (G_{l+1}^T G_{l+1} - G_l G_l^T) (survey order), the exact one-step change."""
        G = self.layer_gradients(E)
        a, b = G[l - 1], G[l]
        if self.order == "survey":
            return ETA**2 * (b.T * b - a * a.T)
        return ETA**2 * (a.T * a - b * b.T)


def squared_loss_gradient(net: DeepLinear, X: sp.Matrix, Y: sp.Matrix) -> tuple[sp.Expr, sp.Matrix]:
    """Loss 1/2 ||Y - P X||_F^2 and its gradient in P, (P X - Y) X^T."""
    R = net.product * X - Y
    return sp.Rational(1, 2) * sum(r**2 for r in R), R * X.T


def direct_gradients(loss: sp.Expr, net: DeepLinear) -> list[sp.Matrix]:
    """dL/dW_l by differentiating the loss entrywise (no chain rule)."""
    return [w.applyfunc(lambda s: sp.diff(loss, s)) for w in net.weights]


QuantityFn = Callable[[DeepLinear, int], sp.Matrix]
