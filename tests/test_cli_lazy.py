"""Start-up laziness of the command line (issue 15, point 3): what a command does not use, it
does not import.  Checked on ``sys.modules`` in fresh interpreters; the times themselves are
measured by ``benchmarks/bench_core.py``, never asserted here.  The negative controls show that
each probe sees the module when it is used, so an assertion cannot pass vacuously."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HEAVY = ("sympy", "numpy", "scipy", "matplotlib", "hypothesis", "cvxpy", "z3", "flint",
         "distributed", "dask", "mpmath")


def _loaded_after(code: str) -> set[str]:
    """Top-level packages among HEAVY imported by ``code`` in a fresh interpreter (cwd = the
    worktree, so its own modules are the ones imported)."""
    probe = (f"import sys, json\n{code}\n"
             f"print(json.dumps(sorted({{m.split('.')[0] for m in sys.modules}} & set({HEAVY!r}))))")
    p = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True,
                       timeout=120)
    assert p.returncode == 0, p.stderr
    return set(json.loads(p.stdout.strip().splitlines()[-1]))


def test_importing_the_cli_and_building_its_parser_imports_nothing_heavy():
    code = ("import theorems, theorems.cli\n"
            "from theorems.cli import build_parser\n"
            "build_parser(['conjecture']); build_parser(['models']); build_parser(None)")
    assert _loaded_after(code) == set()


def test_conjecture_package_names_resolve_on_first_use():
    assert _loaded_after("import theorems.conjectures as c\nc.KINDS, c.DEFAULT_OUT, c.add_arguments") == set()
    # control: a name that needs the engines does import SymPy when it is used
    assert "sympy" in _loaded_after("import theorems.conjectures as c\nc.conjecture_claim")


def test_a_model_vocabulary_is_built_only_for_the_model_asked():
    code = ("from theorems.vocabulary import get_model\n"
            "import theorems.vocabulary as v\n"
            "get_model('shallow_linear').terms\n"
            "print(json.dumps(sorted(n for n, s in v._specs().items() if 'terms' in vars(s))))")
    p = subprocess.run([sys.executable, "-c", "import json\n" + code], cwd=ROOT, capture_output=True,
                       text=True, timeout=120)
    assert p.returncode == 0, p.stderr
    assert json.loads(p.stdout.strip().splitlines()[-1]) == ["shallow_linear"]


def test_a_one_step_conjecture_imports_no_numpy_scipy_or_plotting():
    """The two one-step conjectures that bench_core times: a false one and a true one."""
    code = ("from theorems.cli import main\n"
            "status = main(['conjecture', '--model', 'shallow_linear', '--claim', 'eps < 10',"
            " '--steps', '1', '--no-report'])\n"
            "assert status == 1, status\n"  # REFUTED (the run really happened)
            "status = main(['conjecture', '--model', 'shallow_linear', '--claim',"
            " 'eps_next == eps*(1 - eta*lam + eta^2*eps*(eps+Phi))', '--no-report'])\n"
            "assert status == 0, status")  # PROVED
    loaded = _loaded_after(code)
    assert "sympy" in loaded  # control: the conjectures were parsed and checked
    assert not loaded & {"numpy", "scipy", "matplotlib", "hypothesis", "cvxpy", "distributed", "dask"}


def test_a_search_still_imports_numpy_where_it_is_used():
    """Control for the test above: the lazily imported NumPy is there when the search runs."""
    code = ("from numeric.search import minimise\n"
            "r = minimise(lambda x: float((x[0] - 0.25) ** 2), [(0.0, 1.0)], 60, 1)\n"
            "assert abs(r.x[0] - 0.25) < 1e-3, r")
    assert {"numpy", "scipy"} <= _loaded_after(code)


# ---------------------------------------------------------------- the on-disk import graph
# (fingerprints of a claim's modules reuse it instead of parsing ~50 modules per run)


def _tree(tmp_path: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        f = tmp_path / rel
        f.parent.mkdir(parents=True, exist_ok=True)
        f.write_text(text)
    return tmp_path


def _fresh_process(monkeypatch) -> None:
    """Forget what this process memoised, as a new run would."""
    from theorems import runner

    monkeypatch.setattr(runner, "_IMPORTS", {})
    monkeypatch.setattr(runner, "_GRAPHS", {})


def test_import_graph_is_reused_from_disk_and_follows_file_contents(tmp_path, monkeypatch):
    from theorems import runner

    root = _tree(tmp_path, {"theorems/__init__.py": "", "theorems/a.py": "from . import b\n",
                            "theorems/b.py": "x = 1\n", "theorems/c.py": ""})
    _fresh_process(monkeypatch)
    first = runner.project_dependencies("theorems.a", root)
    assert sorted(first) == ["theorems", "theorems.a", "theorems.b"]
    assert (root / runner.IMPORT_GRAPH_FILE).is_file()

    _fresh_process(monkeypatch)  # a new run: served from disk, nothing parsed
    def no_parse(*args):
        raise AssertionError("parsed although the graph on disk has this content")
    monkeypatch.setattr(runner, "_scan_imports", no_parse)
    assert runner.project_dependencies("theorems.a", root) == first
    monkeypatch.undo()

    (root / "theorems/b.py").write_text("from theorems import c\n")  # new content: parsed again
    _fresh_process(monkeypatch)
    assert sorted(runner.project_dependencies("theorems.a", root)) == [
        "theorems", "theorems.a", "theorems.b", "theorems.c"]


def test_a_damaged_or_unwritable_import_graph_costs_only_the_parse(tmp_path, monkeypatch):
    from theorems import runner

    root = _tree(tmp_path, {"theorems/__init__.py": "", "theorems/a.py": "import theorems.b\n",
                            "theorems/b.py": ""})
    want = ["theorems", "theorems.a", "theorems.b"]
    _fresh_process(monkeypatch)
    runner.project_dependencies("theorems.a", root)
    graph = root / runner.IMPORT_GRAPH_FILE
    data = json.loads(graph.read_text())
    graph.write_text(json.dumps({k: 5 for k in data}))  # entries of the wrong type
    _fresh_process(monkeypatch)
    assert sorted(runner.project_dependencies("theorems.a", root)) == want
    graph.write_text("{not json")
    _fresh_process(monkeypatch)
    assert sorted(runner.project_dependencies("theorems.a", root)) == want

    def unwritable(*args):
        raise PermissionError("read-only")
    monkeypatch.setattr(runner, "atomic_write_text", unwritable)
    graph.unlink()
    _fresh_process(monkeypatch)
    assert sorted(runner.project_dependencies("theorems.a", root)) == want
    assert not graph.exists()


def test_import_graph_gives_the_same_dependencies_as_parsing(monkeypatch):
    """Every project module: served from the graph on disk == parsed afresh."""
    from theorems import runner

    names = sorted({".".join(f.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")
                    for pkg in runner.PROJECT_PACKAGES for f in (ROOT / pkg).rglob("*.py")})
    cached = {}
    for n in names:
        cached[n] = runner.project_dependencies(n)
    monkeypatch.setattr(runner, "_IMPORTS", {})
    monkeypatch.setattr(runner, "_GRAPHS", {ROOT: {}})  # nothing on disk: everything parsed
    monkeypatch.setattr(runner, "_save_import_graph", lambda root: None)
    assert {n: runner.project_dependencies(n) for n in names} == cached
