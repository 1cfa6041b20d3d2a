"""How many hostile inputs the suite tried, by kind: printed at the end of every run (#7).

The hostile-input tests count each input as they try it (hypothesis examples as they run, browser
payloads as they are placed and pages as they are opened), so the figures are what was actually
tried, not what a setting asked for. `tests/conftest.py` prints the table.
"""

from collections import Counter

TRIED: Counter[str] = Counter()


def count(kind: str, number: int = 1) -> None:
    TRIED[kind] += number


def write_summary(terminalreporter) -> None:
    """The table, in the order the kinds were first tried; nothing if no hostile test ran."""
    if not TRIED:
        return
    width = max(len(kind) for kind in TRIED)
    terminalreporter.write_sep("=", "hostile inputs tried, by kind")
    for kind, number in TRIED.items():
        terminalreporter.write_line(f"{kind:<{width}}  {number:>7,}")
    terminalreporter.write_line(f"{'total':<{width}}  {TRIED.total():>7,}")
