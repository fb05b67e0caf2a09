"""Time to refute typical false conjectures (and to settle a few true ones), on the built-in
models and on user-defined models (``--vars/--loss/--param/--let``).

    python benchmarks/bench_conjectures.py [--budget standard] [--cli] [--only-user]

Each conjecture is parsed, validated and checked in-process exactly as
``python -m theorems conjecture`` does; ``--cli`` also times the full command (start-up
included) for the user-defined models, from command to verdict: wall time and the command's
own CPU time (on a shared machine the wall time includes waiting for a core).
"""

from __future__ import annotations

import argparse
import shlex
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # this checkout's code, not an installed copy

from theorems import Budget, Context  # noqa: E402
from theorems.conjectures import check_conjecture, prepare  # noqa: E402
from theorems.conjectures.models import UserModel  # noqa: E402

CHAIN = UserModel("u, v, w", "(u*v*w - 1)^2/2", lets=("C = u^2 - v^2", "p = u*v*w"), name="chain")
NET = UserModel("a[d], b[d]", "(dot(a,b) - Phi)^2/2", params=("Phi > 0",),
                lets=("lam = norm2(a) + norm2(b)", "ab = dot(a,b)", "eps = ab - Phi",
                      "Q = norm2(a) - norm2(b)"), name="net")
MAT = UserModel("U[2,2], V[2,2]", "frob2(U @ V)/2 - tr(U @ V)",
                lets=("D = frob2(U) - frob2(V)", "S = frob2(U) + frob2(V)"), name="mat")
QUAD = UserModel("x", "h*x^2/2", params=("h > 0",), name="quad")
GF = {"flow": "gf", "times": "1/2, 1, 2"}  # trajectory claims along gradient flow

USER_FALSE = [
    ("chain: GD conserves C", CHAIN, "C_next == C", None, None),
    ("chain: second-order term off by 2", CHAIN, "C_next - C == -2*eta^2*w^2*C*(p - 1)^2", None, None),
    ("chain: GF conserves u^2 + v^2", CHAIN, "ddt(u^2 + v^2) == 0", None, None),
    ("chain: GD descent for eta <= 1/10", CHAIN, "loss_next <= loss", "eta <= 1/10", None),
    ("net: strict bound, equality set a = b", NET, "lam > 2*abs(ab)", None, None),
    ("net: gram identity (fails for d >= 2)", NET, "lam^2 - 4*ab^2 == Q^2", None, None),
    ("net: eps_next, eta^2 term off by 2", NET, "eps_next == eps*(1 - eta*lam + 2*eta^2*eps*ab)",
     None, None),
    ("mat: GF conserves the sum S", MAT, "ddt(S) == 0", None, None),
    ("mat: GD conserves D", MAT, "D_next == D", None, None),
    ("quad: descent with eta*h <= 2 + 1e-6", QUAD, "loss_next <= loss", "eta*h <= 2 + 1/10^6", None),
    ("quad: GD trajectory with eta*h <= 3", QUAD, "abs(x[t]) <= abs(x[0])", "eta*h <= 3",
     "trajectory"),
    ("quad: GF rate exp(-2ht) (too fast)", QUAD, "abs(x[t]) <= abs(x[0])*exp(-2*h*t)", None,
     "trajectory", GF),
    ("chain: GF shrinks every layer", CHAIN, "abs(u[t]) <= abs(u[0])", None, "trajectory", GF),
    ("chain: GF loss rate exp(-t)", CHAIN, "loss[t] <= loss[0]*exp(-t)", None, "trajectory", GF),
    ("net: GF, |a_i| never grows", NET, "abs(a_i[t]) <= abs(a_i[0])", None, "trajectory", GF),
]

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


def cli_words(model: UserModel, claim: str, assume: str | None, kind: str | None,
              extra: dict | None = None) -> list[str]:
    words = [sys.executable, "-m", "theorems", "conjecture", "--vars", model.variables,
             "--loss", model.loss]
    for p in model.params:
        words += ["--param", p]
    for let in model.lets:
        words += ["--let", let]
    words += ["--claim", claim, "--no-report"]
    if assume:
        words += ["--assume", assume]
    if kind:
        words += ["--kind", kind]
    for k, v in (extra or {}).items():
        words += [f"--{k}", v]
    return words


def run_cli(rows, budget: str) -> tuple[list[float], list[float]]:
    """Wall and CPU seconds (the child's user + system time) from command to verdict."""
    import resource

    times, cpus = [], []
    for name, model, claim, assume, kind, *extra in rows:
        words = cli_words(model, claim, assume, kind, extra[0] if extra else None) + ["--budget", budget]
        r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
        t0 = time.perf_counter()
        p = subprocess.run(words, capture_output=True, text=True, timeout=600, cwd=ROOT)
        dt = time.perf_counter() - t0
        r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = (r1.ru_utime - r0.ru_utime) + (r1.ru_stime - r0.ru_stime)
        times.append(dt)
        cpus.append(cpu)
        verdict = p.stdout.split(": ", 1)[1].split()[0] if ": " in p.stdout else f"exit {p.returncode}"
        print(f"  {dt:7.2f} s wall {cpu:6.2f} s cpu  {verdict:<12} {name}")
        if p.returncode not in (0, 1):
            print("    " + " ".join(shlex.quote(w) for w in words) + "\n    " + p.stderr.strip())
    return times, cpus


def _stats(t: list[float]) -> str:
    return (f"median {sorted(t)[len(t) // 2]:.2f} s, worst {max(t):.2f} s, "
            f"total {sum(t):.2f} s")


def run(rows, ctx: Context) -> list[float]:
    times = []
    for name, model, claim, assume, kind, *extra in rows:
        t0 = time.perf_counter()
        out = check_conjecture(prepare(model, claim, assume, kind, **(extra[0] if extra else {})), ctx)
        dt = time.perf_counter() - t0
        times.append(dt)
        print(f"  {dt:7.2f} s  {out.verdict.value:<12} {name}")
    return times


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--budget", default="standard")
    ap.add_argument("--cli", action="store_true",
                    help="also time the full command (start-up included) for user models")
    ap.add_argument("--only-user", action="store_true", help="only the user-defined models")
    args = ap.parse_args()
    ctx = Context(budget=Budget.named(args.budget))
    prepare("shallow_linear", "eps < 1")  # warm-up: imports, model construction
    if not args.only_user:
        print(f"false conjectures (budget {args.budget}):")
        t = run(FALSE, ctx)
        print(f"  refuted: {_stats(t)}")
    print(f"false conjectures on user-defined models, in-process (budget {args.budget}):")
    t = run(USER_FALSE, ctx)
    print(f"  refuted: {_stats(t)}")
    if args.cli:
        print(f"false conjectures on user-defined models, command to verdict (budget {args.budget}):")
        t, cpu = run_cli(USER_FALSE, args.budget)
        print(f"  wall: {_stats(t)}\n  cpu:  {_stats(cpu)}")
    if not args.only_user:
        print(f"true conjectures (budget {args.budget}):")
        run(TRUE, ctx)


if __name__ == "__main__":
    main()
