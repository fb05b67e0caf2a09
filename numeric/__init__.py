"""mpmath simulation and sampling: GD/GF at chosen precision, samplers, search, fitting,
ball-arithmetic certification and precision escalation.  Never imports ``theorems``."""
