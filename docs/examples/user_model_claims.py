"""Conjectures on a model of your own, as a claims file:

    python -m theorems conjecture docs/examples/user_model_claims.py --no-report
"""

import sympy as sp

from symbolic.models import Model
from theorems.conjectures import conjecture_claim
from theorems.conjectures.models import UserModel, load_model_file

# 1. the model written down like the command line's --vars/--loss/--param/--let
NET = UserModel("a[d], b[d]", "(dot(a,b) - Phi)^2/2", params=("Phi > 0",),
                lets=("lam = norm2(a) + norm2(b)", "ab = dot(a,b)", "eps = ab - Phi"), name="net")
# 2. the same chain as docs/examples/chain.model
CHAIN = load_model_file("docs/examples/chain.model")
# 3. a symbolic.models.Model built by hand: Model(name, state, params, loss, quantities)
x, y = sp.symbols("x y", real=True)
ROTATED = Model("rotated", (x, y), (), (x + 2 * y) ** 2 / 2 + (x - y) ** 2 / 4,
                quantities={"r2": x**2 + y**2})

CLAIMS = [
    conjecture_claim(NET, "ddt(a_i^2 - b_i^2) == 0", id="user.net_balance",
                     title="GF conserves each a_i^2 - b_i^2"),
    conjecture_claim(NET, "ddt(eps) == -eps*lam", id="user.net_residual",
                     title="GF residual equation"),
    conjecture_claim(CHAIN, "C_next - C == -eta^2*w^2*C*(p - 1)^2", id="user.chain_gd",
                     title="GD breaks the chain's conservation law at order eta^2"),
    conjecture_claim(ROTATED, "ddt(loss) <= 0", id="user.rotated_descent",
                     title="GF decreases the loss"),
]
