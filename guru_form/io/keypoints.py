"""Keypoint names from other tools, mapped onto guru_form's joints.

guru_form names joints as :data:`guru_form.joints.JOINTS` does: ``nose``, then
``left_<joint>`` and ``right_<joint>`` for ``shoulder``, ``elbow``, ``wrist``, ``hip``, ``knee``,
``ankle``, ``heel`` and ``foot_index`` (the tip of the big toe). Other tools use other names for
the same points; :func:`guru_joint` reads them:

============================  ==============================================  ==================
scheme                        examples                                        joints it lacks
============================  ==============================================  ==================
BlazePose-33 (MediaPipe)      ``left_knee``, ``right_foot_index``             none
COCO-17 (YOLO, RTMPose, ...)  ``left_knee``, ``right_ankle``                  heels, toes
HALPE-26 / OpenPose BODY_25   ``LKnee``, ``RBigToe``, ``RHeel``, ``Nose``      none
(Sports2D, Pose2Sim)
DeepLabCut-style              ``knee_L``, ``l_knee``, ``LeftKnee``,           as labelled
                              ``right-hip``, ``snout``
============================  ==============================================  ==================

Names are compared without case, with ``-``, spaces and camel case read as ``_``; a side is
``left``/``l`` or ``right``/``r`` before or after the joint's name. ``big_toe`` and ``toe`` read
as ``foot_index``; ``snout`` as ``nose``. A name that is none of these (eyes, ears, the neck,
``small_toe``, a DLC label such as ``bar_end``) is not a joint of guru_form's and is left out;
:func:`match_keypoints` says which. Give ``aliases={"their name": "left_knee", ...}`` for labels
the rules do not read.

Examples
--------
>>> [guru_joint(n) for n in ("LKnee", "knee_L", "right-hip", "RBigToe", "Nose", "LEar")]
['left_knee', 'left_knee', 'right_hip', 'right_foot_index', 'nose', None]
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from guru_form.errors import InvalidInputError
from guru_form.joints import JOINTS, SIDE_JOINTS

__all__ = ["KeypointMatch", "guru_joint", "match_keypoints"]

_SIDES = {"l": "left", "left": "left", "r": "right", "right": "right"}
#: Other names of guru_form's per-side joints (after lower-casing and splitting into words).
_JOINT_WORDS: dict[tuple[str, ...], str] = {
    **{(j,): j for j in SIDE_JOINTS if "_" not in j},
    ("foot", "index"): "foot_index",
    ("big", "toe"): "foot_index",
    ("bigtoe",): "foot_index",
    ("toe",): "foot_index",
}
_NOSE_WORDS = {("nose",), ("snout",)}
_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")


def _words(name: str) -> list[str]:
    spaced = _CAMEL.sub("_", name.strip())
    return [w for w in re.split(r"[^A-Za-z0-9]+", spaced.lower()) if w]


def _with_glued_side(words: list[str]) -> list[str]:
    """``["lknee"]`` -> ``["l", "knee"]`` when the rest is a joint (``LKnee`` lower-cased)."""
    if len(words) != 1:
        return words
    word = words[0]
    for side in sorted(_SIDES, key=len, reverse=True):
        if word.startswith(side) and (word[len(side) :],) in _JOINT_WORDS:
            return [side, word[len(side) :]]
        if word.endswith(side) and (word[: -len(side)],) in _JOINT_WORDS:
            return [word[: -len(side)], side]
    return words


def guru_joint(name: str) -> str | None:
    """The guru_form joint another tool's keypoint ``name`` stands for, or None.

    Parameters
    ----------
    name
        A keypoint name, in any of the schemes of the module docstring.

    Returns
    -------
    str or None
        A name of :data:`guru_form.joints.JOINTS`, or None when ``name`` is not one of its joints.
    """
    if name in JOINTS:
        return name
    words = _with_glued_side(_words(name))
    if tuple(words) in _NOSE_WORDS:
        return "nose"
    for side_at in (0, -1):
        if len(words) < 2 or words[side_at] not in _SIDES:
            continue
        side = _SIDES[words[side_at]]
        rest = tuple(words[1:] if side_at == 0 else words[:-1])
        joint = _JOINT_WORDS.get(rest)
        if joint is not None:
            return f"{side}_{joint}"
    return None


@dataclass(frozen=True)
class KeypointMatch:
    """How a dataset's keypoints map onto guru_form's joints.

    Attributes
    ----------
    joints
        ``{guru_form joint: their keypoint name}`` for every joint found.
    ignored
        Their keypoints that are none of guru_form's joints, in their order.
    """

    joints: dict[str, str] = field(default_factory=dict)
    ignored: tuple[str, ...] = ()

    @property
    def missing(self) -> tuple[str, ...]:
        """guru_form's joints the dataset does not have, in :data:`JOINTS` order."""
        return tuple(j for j in JOINTS if j not in self.joints)


def match_keypoints(
    names: Iterable[str], aliases: Mapping[str, str] | None = None
) -> KeypointMatch:
    """Map keypoint names onto guru_form's joints.

    Parameters
    ----------
    names
        The dataset's keypoint names.
    aliases
        ``{their name: guru_form joint}`` for names the rules of :func:`guru_joint` do not read
        (it wins over them).

    Returns
    -------
    KeypointMatch
        The joints found and the names left out.

    Raises
    ------
    InvalidInputError
        When an alias names no guru_form joint, or two keypoints stand for the same joint.

    Examples
    --------
    >>> m = match_keypoints(["LKnee", "RKnee", "Neck"], aliases={"Neck": "nose"})
    >>> m.joints, m.ignored
    ({'left_knee': 'LKnee', 'right_knee': 'RKnee', 'nose': 'Neck'}, ())
    """
    given = dict(aliases or {})
    for theirs, target in given.items():
        if target not in JOINTS:
            raise InvalidInputError(
                f"alias {theirs!r} -> {target!r}: {target!r} is not a guru_form joint; use one of "
                f"{', '.join(JOINTS)}"
            )
    joints: dict[str, str] = {}
    ignored: list[str] = []
    for name in names:
        ours: str | None = given.get(name) or guru_joint(name)
        if ours is None:
            ignored.append(name)
            continue
        if ours in joints:
            raise InvalidInputError(
                f"keypoints {joints[ours]!r} and {name!r} both stand for {ours!r}; pass "
                f"aliases={{...}} to say which is which"
            )
        joints[ours] = name
    return KeypointMatch(joints=joints, ignored=tuple(ignored))
