"""Gating, outlier rejection, gap filling and zero-phase smoothing of one coordinate."""

from __future__ import annotations

import numpy as np

from guru_form.pose.filters import (
    butterworth_zero_phase,
    clean_series,
    gate_visibility,
    hampel,
    interpolate_gaps,
    runs,
)


def test_runs() -> None:
    assert runs(np.array([0, 1, 1, 0, 1], bool)) == [(1, 3), (4, 5)]
    assert runs(np.zeros(3, bool)) == []


def test_gate_drops_low_and_missing_visibility() -> None:
    out = gate_visibility([1.0, 2.0, 3.0], [0.9, 0.1, np.nan], 0.3)
    assert out[0] == 1.0 and np.isnan(out[1]) and np.isnan(out[2])


def test_hampel_removes_a_spike_but_keeps_a_fast_real_movement() -> None:
    t = np.arange(60) * 33.3
    x = 100 + 80 * np.sin(2 * np.pi * t / 1000.0)  # 1 Hz, as fast as a quick rep
    spiked = x.copy()
    spiked[30] += 120
    out = hampel(spiked, t, min_deviation=5.0)
    assert np.isnan(out[30])
    np.testing.assert_array_equal(out[np.arange(60) != 30], x[np.arange(60) != 30])


def test_gaps_filled_only_when_short() -> None:
    t = np.arange(40) * 100.0
    x = np.arange(40, dtype=float)
    x[5:8] = np.nan  # 0.4 s gap: filled
    x[20:30] = np.nan  # 1.1 s gap: kept
    out = interpolate_gaps(x, t, max_gap_s=0.5)
    np.testing.assert_allclose(out[5:8], [5, 6, 7])
    assert np.isnan(out[20:30]).all()


def test_zero_phase_smoothing_keeps_the_turning_point_in_time() -> None:
    rng = np.random.default_rng(0)
    t = np.arange(0, 4000, 33.3)
    clean = 170 - 100 * np.sin(np.pi * t / 4000.0) ** 2
    noisy = clean + rng.normal(0, 3, len(t))
    smooth = butterworth_zero_phase(noisy, t, cutoff_hz=4.0)
    assert abs(int(np.argmin(smooth)) - int(np.argmin(clean))) <= 2
    assert np.abs(smooth - clean)[10:-10].mean() < 0.6 * np.abs(noisy - clean).mean()


def test_smoothing_respects_missing_stretches_and_low_frame_rates() -> None:
    t = np.arange(0, 8000, 200.0)  # 5 frames/s: the 4 Hz cut-off is lowered below Nyquist
    movement = 50 + 10 * np.sin(2 * np.pi * t / 4000.0)  # 0.25 Hz, to keep
    jitter = np.where(np.arange(len(t)) % 2, 1.0, -1.0)  # at Nyquist, to remove
    x = movement + jitter
    x[15] = np.nan
    out = butterworth_zero_phase(x, t)
    assert np.isnan(out[15])
    # Each finite stretch on either side of the gap is filtered by itself: the movement is kept
    # (never further from it than the jitter was), and away from the stretch's ends the jitter
    # is gone.
    assert np.isfinite(np.delete(out, 15)).all()
    assert np.abs(np.delete(out - movement, 15)).max() <= 1.05
    inner = np.r_[3:12, 19:37]
    assert np.abs(out - movement)[inner].max() < 0.15


def test_clean_series_pipeline() -> None:
    t = np.arange(0, 3000, 33.3)
    x = 300 + 50 * np.sin(2 * np.pi * t / 3000.0)
    vis = np.full(len(t), 0.9)
    raw = x.copy()
    raw[20] = 900  # spike
    vis[40:45] = 0.1  # the model says it is guessing
    raw[40:45] = 0  # and it is wrong
    out = clean_series(raw, t, vis, scale=150.0)
    assert np.abs(out - x).max() < 2.0
