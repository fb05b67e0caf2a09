"""Time to refute typical false conjectures (and to settle a few true ones).

    python benchmarks/bench_conjectures.py [--budget standard]

Each conjecture is parsed, validated and checked in-process exactly as
``python -m theorems conjecture`` does (the CLI adds ~2 s of interpreter/import start-up).
"""

from __future__ import annotations

import argparse
import time

from theorems import Budget, Context
from theorems.conjecture import check_conjecture, prepare

FALSE = [
    ("identity, factor 2 in the eta^2 term", "shallow_linear",
     "eps_next == eps*(1 - eta*lam + 2*eta^2*eps*(eps+Phi))", None, None),
    ("Lemma 7 as printed (eta^4 coefficient x2)", "shallow_linear",
     "alpha_next == alpha - 2*eta^2*eps^2*Q^2*(1 - eta^2*eps^2)", None, None),
    ("bound failing only for d >= 2", "shallow_linear", "Qsigned^2 >= Q2gram", None, None),
    ("descent failing only near the cap", "shallow_linear", "alpha_next <= alpha",
     "eta*abs(eps) <= 3/2", None),
    ("Q contraction with a doubled rate", "shallow_linear", "Q_next <= (1 - 2*eta^2*eps^2)*Q",
     "eta*abs(eps) < 1", None),
    ("quadratic, failing for 3/2 < eta*h < 2", "diagonal_quadratic",
     "loss_next <= (1 - eta*h/2)*loss", "eta*h < 2", None),
    ("quadratic, hmin contraction in d = 2", "diagonal_quadratic",
     "loss_next <= (1 - eta*hmin)^2*loss", "eta*hmax < 2, d == 2", None),
    ("single neuron, s^2 coefficient halved", "single_neuron", "r >= 1/4 - s^2/96", "s > 0", None),
    ("trajectory: doubled exponent (Lemma 18)", "shallow_linear",
     "abs(Q_i[t]) <= abs(Q_i[0]) * exp(-2*eta^2*S[t])", "eta*abs(eps) < 1", "trajectory"),
    ("rate: too fast a geometric rate", "diagonal_quadratic", "abs(x[t]) <= O((1 - 2*eta*h)^t)",
     "1/10 <= eta*h, eta*h <= 1/4", "rate"),
]

TRUE = [
    ("eq. (6), d = 1, 2, 3", "shallow_linear", "eps_next == eps*(1 - eta*lam + eta^2*eps*(eps+Phi))",
     None, None),
    ("alpha decreases, eta|eps| < 1, d = 1, 2, 3", "shallow_linear", "alpha_next <= alpha",
     "eta*abs(eps) < 1", None),
    ("Lemma 18 reading, trajectory", "shallow_linear",
     "abs(Q_i[t]) <= abs(Q_i[0]) * exp(-eta^2*S[t])", "eta*abs(eps) < 1", "trajectory"),
]


def run(rows, ctx: Context) -> list[float]:
    times = []
    for name, model, claim, assume, kind in rows:
        t0 = time.perf_counter()
        out = check_conjecture(prepare(model, claim, assume, kind), ctx)
        dt = time.perf_counter() - t0
        times.append(dt)
        print(f"  {dt:7.2f} s  {out.verdict.value:<12} {name}")
    return times


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--budget", default="standard")
    args = ap.parse_args()
    ctx = Context(budget=Budget.named(args.budget))
    prepare("shallow_linear", "eps < 1")  # warm-up: imports, model construction
    print(f"false conjectures (budget {args.budget}):")
    t = run(FALSE, ctx)
    print(f"  refuted: median {sorted(t)[len(t) // 2]:.2f} s, max {max(t):.2f} s, total {sum(t):.2f} s")
    print(f"true conjectures (budget {args.budget}):")
    run(TRUE, ctx)


if __name__ == "__main__":
    main()
