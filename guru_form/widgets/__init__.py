"""Notebook widgets: :class:`UploadPanel`, upload and analyse videos without writing code.

Modules: :mod:`~guru_form.widgets.upload` (the panel), :mod:`~guru_form.widgets._views` (the
text of what it shows for a result, as escaped HTML; the numbers, charts and frames are the
report's) and :mod:`~guru_form.widgets._files` (uploaded bytes on disk under safe names).

Examples
--------
In a notebook, a cell that ends with the panel shows it:

>>> from guru_form.widgets import UploadPanel
>>> panel = UploadPanel()  # talks to the server only when Analyse is pressed
>>> [label for label, _ in panel.activity.options]
['Squat', 'Deadlift', 'Bench press', 'Push-up', 'Bodyweight squat', 'Lunge']
>>> panel.save_button.disabled  # nothing analysed yet
True
>>> panel.close()
"""

from __future__ import annotations

from guru_form.widgets.upload import UploadPanel

__all__ = ["UploadPanel"]
