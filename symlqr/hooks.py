"""Hooks the package root fills in, for layers that must not import upward.

:data:`RENDERERS` maps a format ("text", "html", "latex") to a function of a
:meth:`symlqr.scalar.results.Landscape.to_dict` document; the root registers
the renderers of :mod:`symlqr.render.report` (imported when first used), so
``str(landscape)`` is the text table without the scalar layer naming the
rendering layer.

:data:`VIEWS` maps the class name of a :class:`symlqr.results.Result` to
``view(result, what, **options)`` with ``what`` one of "text", "html", "plot"
(a matplotlib Figure) or "image" (bytes; ``fmt=`` "png", "svg" or "pdf");
the root registers :func:`symlqr.render.views.view` (imported when a result
is first shown). This module imports nothing, so ``import symlqr`` stays cheap.

>>> import symlqr
>>> sorted(RENDERERS)
['html', 'latex', 'text']
>>> "Landscape" in VIEWS and "FixedPoints" in VIEWS
True
"""
from __future__ import annotations

from typing import Callable

__all__ = ["RENDERERS", "VIEWS"]

#: format -> renderer of a landscape document
RENDERERS: dict[str, Callable[[dict], str]] = {}

#: result class name -> view(result, fmt, **options)
VIEWS: dict[str, Callable[..., object]] = {}
