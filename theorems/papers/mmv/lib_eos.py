"""Section III library: GD on the EoS valley exp(-theta_1) theta_2^2 in exact reduced
coordinates, the logistic example (36) (sharpness, eigenvectors, the projected dynamics of
Theorem 6), and the figures (sharpness against 2/eta, trajectories against predictions)."""

from __future__ import annotations

from fractions import Fraction
from math import ceil

import mpmath as mp

from numeric.eos import exp_valley_gd, top_eig_2x2

from .lib_common import q

# ------------------------------------------------------------------ exp valley, Theorem 8


def t_star(eta: Fraction, lam0: Fraction, th2: Fraction) -> int:
    """(44), exactly: ceil((eta lam0 - 2)/(eta lam0 th2^2)) + 1."""
    return ceil((eta * lam0 - 2) / (eta * lam0 * th2**2)) + 1


def thm8_run(inst, extra: int = 200):
    """(lambda_t, theta2_t, theta1_t - theta1_0) for t = 0..t* + extra, plus t*."""
    eta, lam0, th2 = inst["eta"], 2 * inst["k"] / inst["eta"], inst["theta2"]
    ts = t_star(eta, lam0, th2)
    run = exp_valley_gd(q(lam0), q(th2), q(eta), ts + extra)
    return run, ts


def thm8_slacks(inst, printed: bool) -> dict[str, mp.mpf]:
    """The claim's inequalities along the run, each as a min slack (>= 0 holds)."""
    eta = q(inst["eta"])
    run, ts = thm8_run(inst)
    lam_s, th_s = run[ts]
    two = 2 / lam_s
    out = {}
    if printed:  # eta < 2/lam_s < 2/lam_{t*} for s >= t* (strict; equality at s = t* itself)
        out["eta < 2/lam_s"] = min((2 / lam - eta) / eta for lam, _ in run[ts:])
        out["2/lam_s < 2/lam_t* (s > t*)"] = min((two - 2 / lam) / two for lam, _ in run[ts + 1:])
    else:  # eta < 2/lam_{t*} <= 2/lam_s
        out["eta < 2/lam_t*"] = (two - eta) / eta
        out["2/lam_t* <= 2/lam_s"] = min((2 / lam - two) / two for lam, _ in run[ts:])
    gap = 4 - 2 * eta * lam_s
    lam_tilde = lam_s * mp.exp(-th_s**2 / gap)  # lambda at theta1_t* + th2_t*^2 / (4 - 2 eta lam_t*)
    a = max(abs(1 - eta * lam_s), abs(1 - eta * lam_tilde))
    out["alpha < 1"] = 1 - a
    out["|theta2_t| <= alpha^(t - t*) |theta2_t*|"] = min(
        (a ** (t - ts) * abs(th_s) - abs(th)) / (abs(th_s) + mp.mpf(10) ** (-mp.mp.dps // 2))
        for t, (_, th) in enumerate(run) if t >= ts)
    out["lam_t >= lam~_t* (theta1 bound)"] = min((lam - lam_tilde) / lam_tilde for lam, _ in run[ts:])
    return out


# ------------------------------------------------------------------ logistic example (36)


def ell1(x):
    return -1 / (1 + mp.exp(x))


def ell2(x):
    e = mp.exp(-abs(x))
    return e / (1 + e) ** 2


def logistic_grad_hess(beta, th):
    """Gradient and Hessian of L = 1/2 (ell(z1.th) + ell(z2.th)), z1 = (cos b, sin b),
    z2 = (cos b, -sin b), ell(s) = log(1 + e^-s)."""
    zs = ((mp.cos(beta), mp.sin(beta)), (mp.cos(beta), -mp.sin(beta)))
    g = [mp.mpf(0), mp.mpf(0)]
    H = [[mp.mpf(0), mp.mpf(0)], [mp.mpf(0), mp.mpf(0)]]
    for z in zs:
        s = z[0] * th[0] + z[1] * th[1]
        d1, d2 = ell1(s) / 2, ell2(s) / 2
        for i in range(2):
            g[i] += d1 * z[i]
            for j in range(2):
                H[i][j] += d2 * z[i] * z[j]
    return g, H


def logistic_sharpness(beta, th):
    return top_eig_2x2(logistic_grad_hess(beta, th)[1])


def logistic_antipodal(th):
    """x_1 = -x_2 = (1, 0): L = ell(theta_1) (both terms equal); gradient, Hessian."""
    return logistic_grad_hess(mp.mpf(0), th)


def theorem6_error(beta, eta, par: float, perp):
    """|GD step - projected step (37)| / (eta |theta_perp|^3) at theta = (par, perp)."""
    th = [mp.mpf(par), perp]
    g, _ = logistic_grad_hess(beta, th)
    gd = [th[0] - eta * g[0], th[1] - eta * g[1]]
    thp = [mp.mpf(par), mp.mpf(0)]
    gp, Hp = logistic_grad_hess(beta, thp)
    lam = Hp[1][1]  # on M the Hessian is diagonal; the top eigenvector is e_2 when sin^2 b > cos^2 b
    dlam = mp.diff(lambda s: logistic_grad_hess(beta, [s, mp.mpf(0)])[1][1][1], thp[0])
    pred = [thp[0] - eta * (perp**2 / 2 * dlam + gp[0]), (1 - eta * lam) * perp]
    err = mp.sqrt((gd[0] - pred[0]) ** 2 + (gd[1] - pred[1]) ** 2)
    return err / (eta * abs(perp) ** 3)


# ------------------------------------------------------------------ figures


def figure_sharpness(inst, path: str) -> None:
    """Sharpness on the valley lambda(theta_t^par) against 2/eta along GD (Theorem 8)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    run, ts = thm8_run(inst, extra=60)
    eta = float(inst["eta"])
    fig, ax = plt.subplots(figsize=(6, 3.5))
    ax.plot([float(lam) for lam, _ in run], ".-", ms=3, label=r"$\lambda(\theta_t^\parallel)$")
    ax.axhline(2 / eta, color="k", ls="--", label=r"$2/\eta$")
    ax.axvline(ts, color="r", ls=":", label=r"$t_*$ (44)")
    ax.set_xlabel("t")
    ax.set_yscale("log")
    ax.legend()
    ax.set_title(f"exp(-theta1) theta2^2: eta = {inst['eta']}, lambda0 = {2 * inst['k'] / inst['eta']}")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def figure_self_stabilisation(inst, path: str) -> None:
    """True GD against the recursions (42) (reading alpha_t = <theta_perp, u>) on the valley."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    eta, lam0, th0 = q(inst["eta"]), q(inst["lam0"]), q(inst["theta2"])
    true = exp_valley_gd(lam0, th0, eta, 50)
    lam, a = lam0, th0
    pred = [(lam, a)]
    for _ in range(50):
        lam, a = lam - eta * a**2 * lam**2 / 2, (1 - eta * lam) * a
        pred.append((lam, a))
    fig, axs = plt.subplots(1, 2, figsize=(9, 3.5))
    axs[0].plot([float(x) for x, _ in true], "o-", ms=3, label="GD")
    axs[0].plot([float(x) for x, _ in pred], "x--", ms=3, label="(42)")
    axs[0].axhline(2 / float(eta), color="k", ls=":", label=r"$2/\eta$")
    axs[0].set_ylabel(r"$\lambda_t$")
    axs[1].plot([float(y) for _, y in true], "o-", ms=3, label="GD")
    axs[1].plot([float(y) for _, y in pred], "x--", ms=3, label="(42)")
    axs[1].set_ylabel(r"$\alpha_t=\theta_{2,t}$")
    for ax in axs:
        ax.set_xlabel("t")
        ax.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def figure_projected(inst, path: str) -> None:
    """Logistic example (36), omega = 60 deg: the GD trajectory against the projected dynamics
    (37) iterated from the same start, and the sharpness against 2/eta."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    beta = mp.pi / 3
    eta = q(inst["eta"])
    th = [q(inst["par"]), q(inst["perp"])]
    pr = list(th)
    gd_path, pr_path, sharp = [list(th)], [list(pr)], []
    for _ in range(60):
        g, H = logistic_grad_hess(beta, th)
        sharp.append(float(top_eig_2x2(H)[0]))
        th = [th[0] - eta * g[0], th[1] - eta * g[1]]
        gd_path.append(list(th))
        gp, Hp = logistic_grad_hess(beta, [pr[0], mp.mpf(0)])
        dl = mp.diff(lambda s: logistic_grad_hess(beta, [s, mp.mpf(0)])[1][1][1], pr[0])
        pr = [pr[0] - eta * (pr[1] ** 2 / 2 * dl + gp[0]), (1 - eta * Hp[1][1]) * pr[1]]
        pr_path.append(list(pr))
    fig, axs = plt.subplots(1, 2, figsize=(9, 3.5))
    axs[0].plot([float(p[0]) for p in gd_path], [float(p[1]) for p in gd_path], "o-", ms=3, label="GD")
    axs[0].plot([float(p[0]) for p in pr_path], [float(p[1]) for p in pr_path], "x--", ms=3, label="Theorem 6 (37)")
    axs[0].set_xlabel(r"$\theta^\parallel$")
    axs[0].set_ylabel(r"$\theta^\perp$")
    axs[0].legend()
    axs[1].plot(sharp, ".-", label="sharpness")
    axs[1].axhline(2 / float(eta), color="k", ls="--", label=r"$2/\eta$")
    axs[1].set_xlabel("t")
    axs[1].legend()
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
