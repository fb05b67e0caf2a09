"""Beneventano & Woodworth, "Gradient descent converges linearly to flatter minima than
gradient flow in shallow linear networks" (catalogue ``bw``).  One module per catalogue
section; each defines ``CLAIMS``."""
