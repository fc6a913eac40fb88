"""Why the matrix branch-and-bound excluded a box: the reasons, as printed and stored.

``grad h`` in them is replaced by the map whose zeros are sought for the MAML
variants (:meth:`symlqr.matrix.subdivision.Decider._named`); reasons starting with
``outside`` mean outside the domain, with ``h > L`` outside the level set (the
classes of :func:`symlqr.render.landscape_plot.reason_class`).

>>> OUTSIDE.format("det(I - M_1) > 0")
'outside the domain: det(I - M_1) > 0 proven false'
"""

__all__ = ["OUTSIDE", "NONZERO", "NONZERO_WHERE", "KRAWCZYK_NONE", "PRECONDITIONED",
           "ZERO_OUTSIDE", "ABOVE", "LEVEL_FALSE", "JOINTLY", "JOINTLY_LEVEL"]

OUTSIDE = "outside the domain: {} proven false"
NONZERO = "grad h != 0: a numerator of grad h has constant sign"
NONZERO_WHERE = ("grad h != 0 on the box's part in the domain: N_j -+ lam c of one sign "
                 "(c a domain condition)")
KRAWCZYK_NONE = "grad h != 0: Krawczyk operator of the numerators misses the box"
PRECONDITIONED = ("grad h != 0: a combination sum_j y_kj N_j (y the inverse Jacobian at the "
                  "box's centre) has constant sign")
ZERO_OUTSIDE = "the only zero of the numerators in the box is proven outside the domain"
ABOVE = "h > L on the box (truncated-sum lower bound of the costs)"
LEVEL_FALSE = "h > L on the box: {} proven false"
JOINTLY = ("outside the domain: a nonnegative combination of the domain conditions "
           "(signed numerators) is <= 0 on the box, so one of them fails at every point")
JOINTLY_LEVEL = ("h > L or outside the domain: a nonnegative combination of the domain and "
                 "level conditions (signed numerators) is <= 0 on the box, so one of them "
                 "fails at every point")

IN_TUBE = ("outside the domain: next to an edge of the stabilizing set of W "
           "(a condition proven <= 0 in the edge's blow-up chart)")
IN_TUBE_LEVEL = ("h > L or outside the domain: next to an edge of the stabilizing set of W "
                 "(a domain or level condition proven <= 0 in the edge's blow-up chart)")
