"""Validated branch-and-bound over boxes: the driver (:mod:`.core`) shared by the
scalar interval engine and the matrix landscapes, and Bernstein enclosures of
polynomials over boxes with outward rounding (:mod:`.bernstein`)."""
