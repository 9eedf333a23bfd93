"""The shared ranking on tables with nothing to rank: no units, or no runs."""

from __future__ import annotations

import numpy as np
import pandas as pd

from spindex._ranking import rank_rows, sorted_ranks, tie_tolerance
from spindex.result import rank_table


def test_no_units_and_no_rows_give_empty_ranks():
    assert rank_rows(np.empty((3, 0))).shape == (3, 0)
    assert rank_rows(np.empty((0, 4))).shape == (0, 4)
    order, ranks = sorted_ranks(np.empty((0, 4)))
    assert order.shape == ranks.shape == (0, 4)
    assert tie_tolerance([]) == 0.0


def test_a_table_of_no_units_ranks_to_an_empty_nullable_table():
    ranks = rank_table(pd.DataFrame({"index": []}, dtype=float))
    assert ranks.shape == (0, 1)
    assert str(ranks["index"].dtype) == "Int64"
