"""How many hostile inputs the suite tried, by kind: printed at the end of every run (#7).

The hostile-input tests count each input as they try it (hypothesis examples as they run, browser
payloads as they are placed), so the figures are what was actually tried, not what a setting
asked for. Figures that are not inputs (how many of them were stored, pages checked) are noted
beside them and left out of the total. `tests/conftest.py` prints the table.
"""

from collections import Counter

TRIED: Counter[str] = Counter()
NOTED: Counter[str] = Counter()


def count(kind: str, number: int = 1) -> None:
    """`number` more inputs of `kind` tried."""
    TRIED[kind] += number


def note(figure: str, number: int = 1) -> None:
    """A figure about the inputs that is not itself a count of inputs."""
    NOTED[figure] += number


def write_summary(terminalreporter) -> None:
    """The table, in the order the kinds were first tried; nothing if no hostile test ran."""
    if not TRIED:
        return
    width = max(len(name) for name in [*TRIED, *NOTED])
    terminalreporter.write_sep("=", "hostile inputs tried, by kind")
    for kind, number in TRIED.items():
        terminalreporter.write_line(f"{kind:<{width}}  {number:>7,}")
    terminalreporter.write_line(f"{'total':<{width}}  {TRIED.total():>7,}")
    if NOTED:
        terminalreporter.write_line("")
        for figure, number in NOTED.items():
            terminalreporter.write_line(f"{figure:<{width}}  {number:>7,}")
