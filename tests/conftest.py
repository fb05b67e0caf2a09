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
