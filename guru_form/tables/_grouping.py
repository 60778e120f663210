"""Moved to :mod:`guru_form.metrics` (:func:`~guru_form.metrics.group_keys`,
:func:`~guru_form.metrics.rep_order`); re-exported here for code written against it before."""

from __future__ import annotations

from guru_form.metrics.schema import group_keys, rep_order

__all__ = ["group_keys", "rep_order"]
