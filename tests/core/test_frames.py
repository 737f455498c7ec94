"""The shared table rules of gebied.frames: mode per group, columns, Dutch numbers."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from gebied.errors import GebiedError
from gebied.frames import (
    area_level,
    fmt_int,
    fmt_num,
    fmt_pct,
    is_missing,
    mode_per_group,
    ranked_counts,
    require_column,
    string_column,
    text_column,
)


def test_mode_per_group_breaks_ties_to_the_smallest_and_skips_missing():
    keys = pd.Series(["a", "a", "a", "a", "b", "b", "c", None], dtype="string")
    values = pd.Series(["y", "x", "y", "x", None, "z", None, "q"], dtype="string")
    mode = mode_per_group(values, keys)
    assert mode.to_dict() == {"a": "x", "b": "z"}  # c has no value, the NA key is not a group


def test_mode_per_group_of_nothing_is_empty():
    assert mode_per_group(pd.Series([None, None], dtype="string"), pd.Series(["a", "b"])).empty


@given(st.lists(st.tuples(st.sampled_from("pqr"), st.sampled_from("uvwx")), min_size=1, max_size=40))
def test_mode_per_group_matches_the_definition(pairs):
    keys, values = zip(*pairs)
    mode = mode_per_group(np.array(values, dtype=object), np.array(keys, dtype=object))
    for key in set(keys):
        seen = [v for k, v in pairs if k == key]
        best = max(seen.count(v) for v in seen)
        assert mode[key] == min(v for v in seen if seen.count(v) == best)


def test_ranked_counts_lists_every_value_most_common_first():
    counts = ranked_counts(np.array([1, 2, 2, 3, 3]), np.array(["k"] * 5))
    assert counts[["value", "n"]].to_numpy().tolist() == [[2, 2], [3, 2], [1, 1]]


def test_columns():
    frame = pd.DataFrame({"a": [" x ", "", None]})
    assert text_column(frame, "a").tolist() == ["x", pd.NA, pd.NA]
    assert string_column(frame, "a").tolist() == [" x ", "", pd.NA]
    assert string_column(frame, "b").isna().all() and str(string_column(frame, "b").dtype) == "string"
    with pytest.raises(GebiedError, match="kolom 'b' ontbreekt; beschikbare kolommen: a"):
        require_column(frame, "b")
    assert [area_level(c) for c in ("buurt_code", "woonplaats", "code")] == ["buurt", "woonplaats", "code"]
    assert all(is_missing(v) for v in (None, np.nan, pd.NA, "", "  ")) and not is_missing(0)


def test_dutch_numbers():
    assert fmt_int(1234567) == "1.234.567" and fmt_int(12.6) == "13" and fmt_int(None) == "–"
    assert fmt_num(1234.5678, decimals=2) == "1.234,57" and fmt_num(float("inf")) == "–"
    assert fmt_pct(0.125) == "12,5%" and fmt_pct(0.335, decimals=0) == "34%" and fmt_pct(np.nan) == "–"

