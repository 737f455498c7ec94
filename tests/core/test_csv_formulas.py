"""CSV outputs never hand a spreadsheet a formula (OWASP's rule for CSV injection)."""

from __future__ import annotations

import pandas as pd
from hypothesis import given
from hypothesis import strategies as st

from gebied.io import FORMULA_START, excel_safe, read_csv_text, write_csv, write_table


def test_hyperlink_in_a_signal_list_is_neutralised(tmp_path):
    frame = pd.DataFrame({"adres_id": ["0014200000000001"], "straat": ['=HYPERLINK("http://x.example","klik")'], "n": [3]})
    for path in (write_table(frame, tmp_path / "a.csv"), write_csv(frame, tmp_path / "b.csv")):
        back = read_csv_text(path)
        assert back.loc[0, "straat"] == '\'=HYPERLINK("http://x.example","klik")'
        assert back.loc[0, "adres_id"] == "0014200000000001"


def test_numbers_and_plain_text_stay():
    frame = pd.DataFrame({"t": ["-5", "+3.5", "-0.25", "Dorpsstraat", "", None], "x": [-1.0, 2.0, 3.0, 4.0, 5.0, 6.0]})
    assert excel_safe(frame).equals(frame)


@given(st.lists(st.text(max_size=12), min_size=1, max_size=20))
def test_no_cell_starts_a_formula(cells):
    out = excel_safe(pd.DataFrame({"t": cells}))["t"]
    for before, after in zip(cells, out, strict=True):
        if before.startswith(FORMULA_START) and pd.isna(pd.to_numeric(before, errors="coerce")):
            assert after == "'" + before
        else:
            assert after == before
