"""Contact sheets, notebook display and image files."""

from __future__ import annotations

from pathlib import Path

import cv2
import matplotlib.pyplot as plt
import numpy as np
import pytest

import guru_form as gf
from guru_form.errors import InvalidInputError
from guru_form.frames import (
    Threshold,
    contact_sheet,
    contact_sheet_for,
    extract_rep_frames,
    save_frames,
    save_image,
    show_frames,
)
from guru_form.frames.annotate import rep_card
from guru_form.testing.synthetic.frame_code import read_frame_code
from guru_form.video import DecodedFrame
from tests.frames.videos import analysis_for, frame_times


def tiles(n: int, size=(90, 160)) -> list[np.ndarray]:
    return [np.full((*size, 3), 20 * i, np.uint8) for i in range(n)]


def test_grid_geometry_and_cell_placement():
    sheet = contact_sheet(tiles(5), columns=2, cell_width=160, gap=4)
    assert sheet.shape == (4 + 3 * (90 + 4), 4 + 2 * (160 + 4), 3)
    # cell k sits at row k // 2, column k % 2, unscaled
    for k in range(5):
        r, c = divmod(k, 2)
        y, x = 4 + r * 94, 4 + c * 164
        assert (sheet[y + 10 : y + 80, x + 10 : x + 150] == 20 * k).all()
    # the empty sixth cell is background
    assert tuple(sheet[4 + 2 * 94 + 40, 4 + 164 + 80]) == (22, 24, 30)


def test_mixed_sizes_are_letterboxed_and_scaled():
    tall = np.full((200, 100, 3), 250, np.uint8)
    wide = np.full((90, 160, 3), 100, np.uint8)
    sheet = contact_sheet([wide, tall], columns=2, cell_width=160, gap=0)
    assert sheet.shape == (320, 320, 3)  # cell height from the tallest aspect (2:1)
    assert sheet[160, 240].tolist() == [250, 250, 250]  # tall frame scaled 1.6x fills cell 2
    assert sheet[160, 80].tolist() == [100, 100, 100]  # wide frame centred in cell 1
    assert sheet[20, 80].tolist() == [22, 24, 30]  # with letterbox bands above and below
    assert sheet[300, 80].tolist() == [22, 24, 30]


def test_columns_larger_than_the_frame_count_and_bad_input():
    assert contact_sheet(tiles(2), columns=8, cell_width=160, gap=0).shape == (90, 320, 3)
    with pytest.raises(InvalidInputError, match="no frames"):
        contact_sheet([])
    with pytest.raises(InvalidInputError, match="columns"):
        contact_sheet(tiles(2), columns=0)
    with pytest.raises(InvalidInputError, match="uint8"):
        contact_sheet([np.zeros((10, 10, 3), np.float32)])


def test_captions_and_title_add_ink(videos):
    times = frame_times(videos["cfr"])
    frames = extract_rep_frames(videos["cfr"], analysis_for(times, [(0, 20, 40)]), annotate=False)
    plain = contact_sheet(frames, cell_width=320)
    captioned = contact_sheet(frames, cell_width=320, captions=True)
    titled = contact_sheet(frames, cell_width=320, title="squat.mp4")
    assert captioned.shape == plain.shape and (captioned != plain).any()
    assert titled.shape[0] > plain.shape[0]
    # grey frames and DecodedFrames are accepted too
    grey = np.zeros((20, 30), np.uint8)
    decoded = DecodedFrame(3, 100.0, np.zeros((20, 30, 3), np.uint8))
    assert contact_sheet([grey, decoded], captions=True).shape[2] == 3


def test_show_frames_returns_axes_with_the_sheet(videos):
    times = frame_times(videos["cfr"])
    frames = extract_rep_frames(
        videos["cfr"], analysis_for(times, [(0, 20, 40), (40, 60, 80)]), annotate=False
    )
    ax = show_frames(frames, columns=2, title="mid frames")
    try:
        (image,) = ax.get_images()
        assert image.get_array().shape[:2] == contact_sheet(frames, 2).shape[:2]
        assert [t.get_text() for t in ax.texts] == [
            "Rep 1 | mid | 0.67 s",
            "Rep 2 | mid | 2.00 s",
        ]
        assert ax.get_title() == "mid frames"
        fig, own = plt.subplots()
        assert show_frames(frames, ax=own) is own
        assert len(own.texts) == 2
        plt.close(fig)
        annotated = extract_rep_frames(videos["cfr"], analysis_for(times, [(0, 20, 40)]))
        assert len(show_frames(annotated).texts) == 0  # already labelled on the image
    finally:
        plt.close("all")


def test_save_frames_names_and_content(videos, tmp_path):
    times = frame_times(videos["cfr"])
    frames = extract_rep_frames(
        videos["cfr"],
        analysis_for(times, [(0, 20, 40), (40, 60, 80)]),
        phases=("start", "mid"),
        annotate=False,
    )
    paths = save_frames(frames, tmp_path / "out", prefix="squat_")
    assert [p.name for p in paths] == [
        "squat_rep01_start.png",
        "squat_rep01_mid.png",
        "squat_rep02_start.png",
        "squat_rep02_mid.png",
    ]
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == sorted(p.name for p in paths)
    back = cv2.imread(str(paths[1]))[..., ::-1]  # PNG is lossless: RGB round trip
    np.testing.assert_array_equal(back, frames[1].image)
    assert read_frame_code(back) == 20
    jpgs = save_frames([frames[0].image], tmp_path / "jpg", format="jpg")
    assert [p.name for p in jpgs] == ["image000.jpg"]


def test_save_frames_writes_all_or_nothing(videos, tmp_path, monkeypatch):
    images = tiles(4)
    target = tmp_path / "out"
    target.mkdir()
    (target / "keep.txt").write_text("x")
    calls = {"n": 0}
    original = Path.write_bytes

    def failing(self, data):
        calls["n"] += 1
        if calls["n"] == 3:
            raise OSError("disk full")
        return original(self, data)

    monkeypatch.setattr(Path, "write_bytes", failing)
    with pytest.raises(OSError, match="disk full"):
        save_frames(images, target)
    monkeypatch.undo()
    assert sorted(p.name for p in target.iterdir()) == ["keep.txt"]  # no images, no staging


def test_save_frames_rejects_bad_targets(tmp_path):
    (tmp_path / "file").write_text("x")
    with pytest.raises(InvalidInputError, match="is a file"):
        save_frames(tiles(1), tmp_path / "file")
    with pytest.raises(InvalidInputError, match=r"cannot write images as '\.gif'"):
        save_frames(tiles(1), tmp_path / "d", format="gif")
    with pytest.raises(InvalidInputError, match="same file name"):
        frame = DecodedFrame(1, 0.0, tiles(1)[0])
        save_frames([frame, frame], tmp_path / "d")


def test_save_image_is_atomic(tmp_path):
    path = tmp_path / "sheet.png"
    save_image(tiles(1)[0], path)
    before = path.read_bytes()
    with pytest.raises(InvalidInputError):
        save_image(np.zeros((4, 4, 3), np.float64), path)  # type: ignore[arg-type]
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["sheet.png"]


def test_contact_sheet_for_one_row_per_rep_plus_scalar_card(videos, tmp_path):
    times = frame_times(videos["cfr"])
    analysis = analysis_for(times, [(0, 20, 40), (40, 60, 80), (80, 100, 120)])
    sheet = contact_sheet_for(
        videos["cfr"],
        analysis,
        cell_width=200,
        thresholds={"HIP_KNEE_ANGLE_DEGREES": Threshold(high=0)},
        path=tmp_path / "sheet.png",
    )
    cell_h = 150  # 320x240 scaled to 200 wide
    gap = 6
    assert sheet.shape[1] == gap + 4 * (200 + gap)
    title = sheet.shape[0] - (gap + 3 * (cell_h + gap))
    assert title > 0
    assert (tmp_path / "sheet.png").exists()
    assert gf.contact_sheet_for is contact_sheet_for
    # every frame cell is the right frame: read the strip from the cell at full size
    for r, rep in enumerate([(0, 20, 40), (40, 60, 80), (80, 100, 120)]):
        for c, expected in enumerate(rep):
            x0 = gap + c * (200 + gap)
            y0 = title + gap + r * (cell_h + gap)
            cell = cv2.resize(
                sheet[y0 : y0 + cell_h, x0 : x0 + 200], (320, 240), interpolation=cv2.INTER_NEAREST
            )
            assert read_frame_code(cell) == expected
    # the scalar card: the failing depth (-4 passes <= 0, so green) is coloured
    card = sheet[title + gap : title + gap + cell_h, gap + 3 * 206 : gap + 3 * 206 + 200]
    greens = (np.abs(card.astype(int) - (90, 225, 120)).sum(axis=2) < 60).sum()
    assert greens > 20
    no_cards = contact_sheet_for(
        videos["cfr"], analysis, cell_width=200, scalars=False, phases="mid"
    )
    assert no_cards.shape[1] == gap + (200 + gap)


def test_contact_sheet_cards_judge_by_the_borderline_rule_as_the_report_does(videos):
    from guru_form.frames.annotate import BORDERLINE_AMBER, FAIL_RED

    times = frame_times(videos["cfr"])
    margin = gf.metrics.margin_of("HIP_KNEE_ANGLE_DEGREES", "squat")
    assert margin > 0  # measured (benchmarks/repeatability.py)
    analysis = analysis_for(
        times, [(0, 20, 40)], analyses={"HIP_KNEE_ANGLE_DEGREES": margin / 2}
    )  # above parallel by less than the measurement repeats
    checks = {"HIP_KNEE_ANGLE_DEGREES": Threshold(high=0)}

    def inked(sheet: np.ndarray, color: tuple[int, int, int]) -> int:
        card = sheet[:, -206:]
        return int((np.abs(card.astype(int) - color).sum(axis=2) < 40).sum())

    judged = contact_sheet_for(videos["cfr"], analysis, cell_width=200, thresholds=checks)
    assert inked(judged, BORDERLINE_AMBER) > 30 and inked(judged, FAIL_RED) == 0
    bare = contact_sheet_for(
        videos["cfr"], analysis, cell_width=200, thresholds=checks, borderline=False
    )
    assert inked(bare, BORDERLINE_AMBER) == 0 and inked(bare, FAIL_RED) > 30
    (row,) = gf.frames.annotate.scalar_rows(
        analysis.reps[0].analyses, checks, margins={"HIP_KNEE_ANGLE_DEGREES": margin}
    )
    assert row.missed is not None and row.missed.startswith("borderline, <= 0 +/-")


def test_contact_sheet_cards_share_one_text_size(videos, monkeypatch):
    from guru_form.frames import layout
    from guru_form.frames.annotate import rep_card_scale

    times = frame_times(videos["cfr"])
    analysis = analysis_for(times, [(0, 20, 40), (40, 60, 80)])
    # Rep 2 misses a two-sided target by a hair: its card has the widest line.
    analysis.reps[1].analyses["BODY_LINE_ANGLE_DEGREES"] = 10.049
    analysis.reps[0].analyses["BODY_LINE_ANGLE_DEGREES"] = 2.0
    checks = {"BODY_LINE_ANGLE_DEGREES": Threshold(-10, 10)}
    seen: list[float | None] = []

    def recording(*args, **kwargs):
        seen.append(kwargs.get("text_scale"))
        return rep_card(*args, **kwargs)

    monkeypatch.setattr(layout, "rep_card", recording)
    contact_sheet_for(videos["cfr"], analysis, cell_width=200, thresholds=checks)
    fits = [
        rep_card_scale(rep.analyses, title=f"Rep {i}", width=200, height=150, thresholds=checks)
        for i, rep in enumerate(analysis.reps, start=1)
    ]
    assert fits[1] < fits[0]  # on its own, rep 1's card would use bigger text
    assert seen == [pytest.approx(min(fits))] * 2


def test_rep_card_text_scale_sets_the_size():
    values = {"KNEE_ANGLE_DEGREES": 70.0}

    def ink_height(card: np.ndarray) -> int:
        rows = np.nonzero((card.astype(int).sum(axis=2) > 3 * 120).any(axis=1))[0]
        return int(rows.max() - rows.min())

    big = rep_card(values, title="Rep 1", width=300, height=170)
    small = rep_card(values, title="Rep 1", width=300, height=170, text_scale=0.5)
    assert ink_height(small) < 0.8 * ink_height(big)


def test_contact_sheet_for_needs_reps(videos):
    with pytest.raises(InvalidInputError, match="no reps"):
        contact_sheet_for(videos["cfr"], analysis_for([0.0], []))


def _title_band(sheet: np.ndarray, cell_h: int = 150, rows: int = 1, gap: int = 6) -> np.ndarray:
    return sheet[: sheet.shape[0] - (gap + rows * (cell_h + gap))]


def test_video_name_titles_the_sheet_instead_of_the_file_name(videos, tmp_path):
    times = frame_times(videos["cfr"])
    analysis = analysis_for(times, [(0, 20, 40)])
    copy = tmp_path / "upload-001-0123456789ab.mp4"  # as the upload panel keeps a file
    copy.write_bytes(videos["cfr"].read_bytes())
    kwargs = {"cell_width": 200, "phases": "mid", "scalars": False}
    named = contact_sheet_for(copy, analysis, video_name="Sam <b>squats<b>.mp4", **kwargs)
    expected = contact_sheet_for(
        copy, analysis, title="Sam <b>squats<b>.mp4 | squat | 1 rep", **kwargs
    )
    default = contact_sheet_for(copy, analysis, **kwargs)
    np.testing.assert_array_equal(named, expected)
    assert (_title_band(named) != _title_band(default)).any()  # not the temporary name


def test_the_title_is_drawn_in_ascii_and_kept_inside_the_sheet():
    from guru_form.frames.layout import _drawable

    assert _drawable("Übung – Sam’s squat\x07.mp4") == "Ubung - Sam's squat.mp4"
    assert _drawable("深蹲.mp4") == "??.mp4"  # one ? per character, not per byte
    frame = [np.full((90, 160, 3), 90, np.uint8)]

    def ink_columns(title: str) -> np.ndarray:
        sheet = contact_sheet(frame, 1, cell_width=160, title=title)
        band = sheet[: sheet.shape[0] - (6 + 90 + 6)]
        return np.nonzero((band.astype(int).sum(axis=2) > 3 * 120).any(axis=0))[0]

    short = ink_columns("Rep 1")
    long = ink_columns("a very long file name of a coach's phone video " * 5 + "| rep 1 of 1")
    assert short.size and long.size
    assert abs(int(long.min()) - int(short.min())) <= 3  # starts where a short title does...
    assert long.max() < 172 - short.min() + 2  # ...and ends inside the sheet (172 px wide)


def test_a_stacked_sheet_is_two_cells_wide_with_each_reps_middle_frame_across_it(videos):
    times = frame_times(videos["cfr"])
    analysis = analysis_for(times, [(0, 20, 40), (40, 60, 80)])
    checks = {"HIP_KNEE_ANGLE_DEGREES": Threshold(high=0)}
    rows = contact_sheet_for(videos["cfr"], analysis, cell_width=200, thresholds=checks)
    stacked = contact_sheet_for(
        videos["cfr"], analysis, cell_width=200, thresholds=checks, layout="stacked"
    )
    gap = 6
    assert stacked.shape[1] == 2 * 200 + gap + 2 * gap  # two cells across, framed by a gap
    assert stacked.shape[1] <= rows.shape[1] / 2 + gap and stacked.shape[0] > rows.shape[0]
    # Under the title band: rep 1's middle frame (frame 20) across the sheet, then its start
    # and end (frames 0 and 40) side by side.
    top = 44 + gap  # the title band at this width
    wide, high = 2 * 200 + gap, round((2 * 200 + gap) * 240 / 320)

    def code(y: int, x: int, w: int, h: int) -> int:
        cell = stacked[y : y + h, x : x + w]
        return read_frame_code(cv2.resize(cell, (320, 240), interpolation=cv2.INTER_NEAREST))

    assert code(top, gap, wide, high) == 20
    # The two small cells under a caption band ("start | 0:00.00"), not a panel over the picture.
    band = round(52 * 0.75)  # at this width
    small = top + high + gap + band
    assert code(small, gap, 200, 150) == 0
    assert code(small, gap + 200 + gap, 200, 150) == 40
    caption = stacked[top + high + gap : small, gap : gap + 200].astype(int)
    assert (caption.sum(axis=2) > 3 * 200).sum() > 50  # white text on the band
    with pytest.raises(InvalidInputError, match="layout"):
        contact_sheet_for(videos["cfr"], analysis, layout="columns")  # type: ignore[arg-type]
