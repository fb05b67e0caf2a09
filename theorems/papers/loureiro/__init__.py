"""loureiro: B. Loureiro, "Mathematics of Deep Learning, Lecture 7: Implicit bias of descent
algorithms" (ENS lecture notes, 2025): least squares, SGD, diagonal linear networks, mirror flow."""
