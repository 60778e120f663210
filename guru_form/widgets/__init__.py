"""Notebook widgets: :class:`UploadPanel`, upload and analyse videos without writing code.

Modules: :mod:`~guru_form.widgets.upload` (the panel), :mod:`~guru_form.widgets._views` (what it
shows for a result, as plain HTML and image bytes) and :mod:`~guru_form.widgets._files` (uploaded
bytes on disk under safe names).

Examples
--------
>>> from guru_form.widgets import UploadPanel
>>> panel = UploadPanel()  # doctest: +SKIP
>>> panel  # doctest: +SKIP
"""

from __future__ import annotations

from guru_form.widgets.upload import UploadPanel

__all__ = ["UploadPanel"]
