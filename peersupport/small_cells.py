"""Small-cell suppression: the one rule for every count shown about people
(research figures, a partner's referrals).

A count below ``SMALL_CELL`` is shown as "<5", so no cell can single someone
out. When exactly one part of a shown total is small, the smallest other part
is hidden as well (``HIDDEN``): otherwise the small one could be found by subtraction.
"""

SMALL_CELL = 5
SMALL = "<5"
HIDDEN = "×"


def suppress(count: int) -> int | str:
    return SMALL if count < SMALL_CELL else count


def suppress_parts(parts: dict[str, int]) -> dict[str, int | str]:
    """Parts of a shown total, each suppressed, with the smallest other part
    hidden when exactly one is small."""
    shown: dict[str, int | str] = {key: suppress(value) for key, value in parts.items()}
    small = [key for key, value in shown.items() if value == SMALL]
    if len(small) == 1:
        others = sorted((value, key) for key, value in parts.items() if key not in small)
        if others:
            shown[others[0][1]] = HIDDEN
    return shown
