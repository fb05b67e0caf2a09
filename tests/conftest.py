import pytest


def pytest_addoption(parser):
    parser.addoption("--run-deep", action="store_true", help="also run tests marked deep")


def pytest_collection_modifyitems(config, items):
    if config.getoption("--run-deep"):
        return
    skip = pytest.mark.skip(reason="deep test: run with --run-deep")
    for item in items:
        if "deep" in item.keywords:
            item.add_marker(skip)


from hypothesis import settings  # noqa: E402

# Deterministic in CI and locally: the derandomised profile (DESIGN: numerics policy).
settings.register_profile("suite", derandomize=True, max_examples=60, deadline=None)
settings.load_profile("suite")
