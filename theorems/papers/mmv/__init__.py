"""Min, MacDonald, Vidal, "On the Convergence, Implicit Bias and Edge of Stability of Gradient
Descent in Deep Learning" (survey; catalogue ``mmv``)."""
