"""Reading tables so that every number comes back as the exact double that was written."""

from __future__ import annotations

from typing import Any

import pandas as pd

# pandas 3 parses floats exactly by default and deprecates the option that older versions need.
_EXACT: dict[str, Any] = (
    {} if int(pd.__version__.split(".")[0]) >= 3 else {"float_precision": "round_trip"}
)


def read_csv_exact(source: Any, **kwargs: Any) -> pd.DataFrame:
    """``pandas.read_csv`` with exact (round-trip) float parsing on every pandas version."""
    return pd.read_csv(source, **_EXACT, **kwargs)
