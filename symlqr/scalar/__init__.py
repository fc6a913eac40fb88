"""Scalar LQR tasks: closed forms, MAML composition, and the certified landscape.

Flow: :mod:`.lqr` (C, C', C'', P, W*) -> :mod:`.maml` (adaptation maps, objective h)
-> :mod:`.landscape` (domain cells, stationary points, types, values and minima).
:mod:`.numeric` holds float twins for plots and independent checks.
"""
