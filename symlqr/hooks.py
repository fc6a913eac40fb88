"""Hooks the package root fills in, for layers that must not import upward.

:data:`RENDERERS` maps a format ("text", "html", "latex") to a function of a
:meth:`symlqr.scalar.results.Landscape.to_dict` document; the root registers
the renderers of :mod:`symlqr.render.report` (imported when first used), so
``str(landscape)`` is the text table without the scalar layer naming the
rendering layer. This module imports nothing, so ``import symlqr`` stays cheap.

>>> import symlqr
>>> sorted(RENDERERS)
['html', 'latex', 'text']
"""
from __future__ import annotations

from typing import Callable

__all__ = ["RENDERERS"]

#: format -> renderer of a landscape document
RENDERERS: dict[str, Callable[[dict], str]] = {}
