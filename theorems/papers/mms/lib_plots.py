"""mms library: figures (matplotlib, Agg).  Called by the engines through ``figure=`` hooks; a
plotting failure never changes a verdict."""

from __future__ import annotations

from fractions import Fraction

import mpmath as mp


def _plt():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def plot_g(inst, path: str) -> None:
    """Fig. 2: the empirical g of the sample (red) and the population g of N(0, 1) (blue)."""
    from numeric import mms_weight as Wt

    xs = inst["data"].xs
    plt = _plt()
    lo, hi = float(xs[0]) - 0.5, float(xs[-1]) + 0.5
    grid = [lo + (hi - lo) * i / 600 for i in range(601)]
    emp = [float(Wt.g(Fraction(x).limit_denominator(10**6), xs)) for x in grid]
    with mp.workdps(15):
        pop = [float(Wt.g_population(x, mp.npdf, -mp.inf, mp.inf)) for x in grid[::10]]
    fig, ax = plt.subplots(figsize=(6, 3.2))
    ax.plot(grid, emp, "r-", lw=1, label=f"empirical g (n = {len(xs)})")
    ax.plot(grid[::10], pop, "b-", lw=1, label="population g, N(0,1)")
    ax.plot([float(x) for x in xs], [0] * len(xs), "k|", ms=8)
    ax.set_xlabel("x")
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def plot_sweep(rows, path: str, title: str) -> None:
    """Fig. 3(c): sharpness at convergence vs 2/eta, and 1 + 2W (Lemma 4 bound) vs eta."""
    plt = _plt()
    etas = [r["eta"] for r in rows]
    fig, ax = plt.subplots(figsize=(6, 3.2))
    ax.plot(etas, [2 / e for e in etas], "r-", label="2/eta")
    ax.plot(etas, [r["lambda_max"] for r in rows], "y--o", ms=3, label="sharpness at convergence")
    ax.plot(etas, [r["lambda_upper"] for r in rows], "c:", label="lambda_upper (modes)")
    ax.plot(etas, [1 + 2 * r["W"] for r in rows], "m-s", ms=3, label="1 + 2W (Lemma 4)")
    ax.set_xlabel("eta")
    ax.set_yscale("log")
    ax.set_title(title, fontsize=9)
    ax.legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def plot_loss_switch(same: list[float], big: list[float], path: str, title: str) -> None:
    """Fig. 1(a): training loss with eta0 throughout (black) and with 3 eta0 after the switch (green)."""
    plt = _plt()
    fig, ax = plt.subplots(figsize=(6, 3.2))
    ax.semilogy(range(len(same)), [max(v, 1e-30) for v in same], "k-", lw=1, label="eta0")
    ax.semilogy(range(len(big)), [max(v, 1e-30) for v in big], "g-", lw=1, label="3 eta0 after the switch")
    ax.set_xlabel("step")
    ax.set_ylabel("loss")
    ax.set_title(title, fontsize=9)
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
