"""Constants of the ``conjecture`` command that its option parser needs (no SymPy here, so that
building the parser, ``--help`` and option errors stay fast)."""

KINDS = ("identity", "inequality", "trajectory", "rate")
DEFAULT_OUT = "reports/conjectures"
