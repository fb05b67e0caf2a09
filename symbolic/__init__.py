"""SymPy side: models (GD maps, GF fields), derivations and provers.  Never imports ``theorems``."""
