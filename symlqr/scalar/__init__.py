"""Scalar LQR tasks: closed forms, MAML composition, and the certified landscape.

Flow, one module per step:

* :mod:`.closed_forms`  D, c, C, C', F written once over ``+ - *`` (any arithmetic)
* :mod:`.lqr`           their sympy and exact FLINT instances; P, W* as algebraic numbers
* :mod:`.numeric`       their float instances (plots and independent checks)
* :mod:`.maml`          adaptation maps and the MAML objective ``h`` as exact rational pieces
* :mod:`.cells`         stage 1-2: cell decomposition of the line, domain components
* :mod:`.points`        stage 3-4: stationary points (exact roots of ``h'``) and their types
* :mod:`.values`        stage 5-6: enclosed values, global versus spurious minima, epsilon
* :mod:`.landscape`     :func:`~.landscape.certify`, composing the stages
* :mod:`.results`       DomainInterval, StationaryPoint, Landscape (JSON, CSV, reprs)
* :mod:`.kinds`         PointKind and the one human label of a point
* :mod:`.deadline`      Timeout and the cooperative deadline checks
"""
