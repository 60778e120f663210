"""Charts a coach can read, from the frames of :mod:`guru_form.tables`.

Every chart takes a DataFrame (and ``ax=None``), draws on the given axes or a new figure, labels
its axes with units, and returns the Axes; none calls ``plt.show()``. The dashboard returns a
Figure. Styling is keyword arguments with colour-blind-safe defaults (Okabe-Ito); matplotlib's
global settings are never changed.

- :func:`plot_metric` — one metric per rep, target band or threshold, flagged reps ringed.
- :func:`plot_tempo` — eccentric/concentric time per rep, stacked in the order they happen.
- :func:`plot_velocity` — mean concentric velocity per rep with velocity loss and stop threshold.
- :func:`plot_timeline` — the reps and their phases on the video's time axis.
- :func:`plot_session_comparison` — one metric across sessions or athletes (box or line).
- :func:`plot_dashboard` — one figure for one set.

Examples
--------
>>> import guru_form as gf
>>> from guru_form import plots
>>> from guru_form.tables.examples import example_analysis
>>> df = gf.flag_depth(gf.reps_frame(example_analysis("squat")), 0.0)
>>> ax = plots.plot_metric(df, target=(-15, 0))
>>> ax.get_xlabel()
'Rep'
"""

from __future__ import annotations

from guru_form.plots._style import OKABE_ITO, SERIES_COLORS
from guru_form.plots.dashboard import plot_dashboard
from guru_form.plots.reps import plot_metric, plot_tempo, plot_velocity
from guru_form.plots.sessions import plot_session_comparison
from guru_form.plots.timeline import plot_timeline

__all__ = [
    "OKABE_ITO",
    "SERIES_COLORS",
    "plot_dashboard",
    "plot_metric",
    "plot_session_comparison",
    "plot_tempo",
    "plot_timeline",
    "plot_velocity",
]
