"""mms: Mulayoff, Michaeli, Soudry, "The Implicit Bias of Minima Stability: A View from Function Space"."""
