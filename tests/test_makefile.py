"""The Makefile is the project's front door: `make help` names every target it has."""

import re
import shutil
import subprocess
from pathlib import Path

import pytest

MAKEFILE = Path(__file__).resolve().parent.parent / "Makefile"


def declared_targets() -> set[str]:
    """The targets the Makefile declares phony: the commands people type."""
    phony = re.search(r"^\.PHONY:(.*)$", MAKEFILE.read_text(), re.MULTILINE)
    return set(phony.group(1).split())


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
def test_make_help_lists_every_target():
    shown = subprocess.run(
        ["make", "--no-print-directory", "-f", str(MAKEFILE), "help"],
        capture_output=True,
        text=True,
        check=True,
        cwd=MAKEFILE.parent,
    ).stdout
    listed = set(re.findall(r"^\s*make ([a-z-]+)", shown, re.MULTILINE))
    assert declared_targets() - {"help"} <= listed, "targets missing from make help"
    assert listed <= declared_targets(), "make help names a target that does not exist"
