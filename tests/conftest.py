import os

import pytest


def pytest_addoption(parser):
    parser.addoption("--run-deep", action="store_true",
                     help="also run tests marked deep (and the full verdict regression)")
    parser.addoption("--run-full-regression", action="store_true",
                     help="re-run every committed verdict at its recorded budget, not only the "
                     "default sample (tests marked full_regression)")


def pytest_collection_modifyitems(config, items):
    deep = config.getoption("--run-deep")
    full = deep or config.getoption("--run-full-regression")
    skip_deep = pytest.mark.skip(reason="deep test: run with --run-deep")
    skip_full = pytest.mark.skip(reason="outside the default regression sample: run with "
                                 "--run-full-regression")
    for item in items:
        if "deep" in item.keywords and not deep:
            item.add_marker(skip_deep)
        elif "full_regression" in item.keywords and not full:
            item.add_marker(skip_full)


def pytest_xdist_auto_num_workers(config):
    """``-n auto`` (the default, see pyproject.toml): one worker per core, at most 4 (each worker
    imports SymPy and the papers; more workers than that cost more start-up than they save)."""
    if os.environ.get("PYTEST_XDIST_AUTO_NUM_WORKERS"):
        return int(os.environ["PYTEST_XDIST_AUTO_NUM_WORKERS"])
    return max(1, min(4, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity")
                      else (os.cpu_count() or 1)))


from hypothesis import settings  # noqa: E402

# Deterministic in CI and locally: the derandomised profile (DESIGN: numerics policy).
settings.register_profile("suite", derandomize=True, max_examples=60, deadline=None)
settings.load_profile("suite")
