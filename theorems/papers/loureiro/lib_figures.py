"""Library: figures for the ``loureiro`` claims (matplotlib, Agg).  Each function has the
``figure(instance, path)`` signature of the spec layer; a plotting failure never changes a verdict."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import mpmath as mp
import numpy as np

from numeric import least_squares as nls

from . import lib


def _plt():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def gf_decay_figure(inst: Mapping[str, Any], path: str) -> None:
    """||theta(t) - theta_inf|| (flow by exp(tA)) against e^{-lambda t}||theta0 - theta_inf||,
    lambda = smallest non-zero eigenvalue of Sigma."""
    plt = _plt()
    with mp.workdps(30):
        D = lib.design_of(inst)
        lim = nls.gd_limit(D.Xm(), D.ym(), D.t0m())
        lam = nls.smallest_nonzero_eig(D.Xm())
        T = float(12 / lam)
        ts = np.linspace(0, T, 40)
        err = [float(nls.norm(nls.gf_expm(D.Xm(), D.ym(), D.t0m(), mp.mpf(t)) - lim)) for t in ts]
    fig, ax = plt.subplots(figsize=(5, 3.4))
    ax.semilogy(ts, err, "o-", ms=3, label=r"$\|\theta(t)-\theta_\infty\|$ (exp(tA))")
    ax.semilogy(ts, err[0] * np.exp(-float(lam) * ts), "--", label=r"$e^{-\lambda t}\|\theta_0-\theta_\infty\|$")
    ax.set_xlabel("t")
    ax.set_title(f"GF residual decay, design {D.n}x{D.d}")
    ax.legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def trajectory_figure(ts: Sequence[float], thetas: np.ndarray, limit: Sequence[float], path: str, title: str) -> None:
    """Components of theta(t) against their predicted limits (dashed)."""
    plt = _plt()
    fig, ax = plt.subplots(figsize=(5.4, 3.4))
    k = min(thetas.shape[1], 8)
    colors = plt.rcParams["axes.prop_cycle"].by_key()["color"]
    for j in range(k):
        c = colors[j % len(colors)]
        ax.plot(ts, thetas[:, j], color=c, lw=1)
        ax.axhline(limit[j], color=c, ls="--", lw=0.8)
    ax.set_xscale("symlog", linthresh=1.0)
    ax.set_xlim(left=0)
    ax.set_xlabel("t")
    ax.set_ylabel(rf"$\theta_j(t)$ (first {k})")
    ax.set_title(title, fontsize=9)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def interpolation_figure(alphas: Sequence[float], d1: Sequence[float], d2: Sequence[float], path: str,
                         title: str) -> None:
    """Distances of the min-Bregman interpolator to min-l1 and min-l2 as alpha varies."""
    plt = _plt()
    fig, ax = plt.subplots(figsize=(5.4, 3.4))
    ax.loglog(alphas, d1, "o-", ms=3, label=r"$\|\theta_\infty(\alpha)-\theta_{\ell_1}\|$")
    ax.loglog(alphas, d2, "s-", ms=3, label=r"$\|\theta_\infty(\alpha)-\theta_{\ell_2}\|$")
    ax.set_xlabel(r"$\alpha$")
    ax.set_title(title, fontsize=9)
    ax.legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
