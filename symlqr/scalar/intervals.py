"""Vectorized float64 intervals with outward rounding: :mod:`symlqr.branch.iv`
(moved below both engines, which share it); re-exported here for the scalar engine."""
from ..branch.iv import IV, to_float_interval

__all__ = ["IV", "to_float_interval"]
