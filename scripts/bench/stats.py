"""The statistics the report gives: median and 95th percentile of server times."""

import math
import statistics
from collections.abc import Sequence


def median(values: Sequence[float]) -> float:
    if not values:
        raise ValueError("no values")
    return statistics.median(values)


def p95(values: Sequence[float]) -> float:
    """The nearest-rank 95th percentile: the smallest value that at least 95 %
    of the values do not exceed (of 50 values, the 48th smallest). No
    interpolation, so it is always a time that was measured."""
    if not values:
        raise ValueError("no values")
    ordered = sorted(values)
    return ordered[math.ceil(0.95 * len(ordered)) - 1]


def ratio(large: float, small: float) -> float:
    """``large / small``; a small value of zero gives infinity unless both are zero."""
    if small == 0:
        return 1.0 if large == 0 else math.inf
    return large / small
