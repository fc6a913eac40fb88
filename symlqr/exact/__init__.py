"""Exact arithmetic: rational functions over QQ, real algebraic numbers, enclosures.

Nothing here knows about LQR or MAML; every answer is exact or a certified interval.
"""
