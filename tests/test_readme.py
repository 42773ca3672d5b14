"""The README's two commands stay true: CI runs exactly the test command the README shows."""

from __future__ import annotations

import re

from tests.conftest import REPO_ROOT


def readme_commands() -> list[str]:
    text = (REPO_ROOT / "README.md").read_text()
    return re.findall(r"```sh\n(.+?)\n```", text)[:2]


def test_ci_runs_the_readme_test_command() -> None:
    run, test = readme_commands()
    assert "python -m bot" in run
    assert "pytest" in test
    assert test in (REPO_ROOT / ".ci" / "run").read_text().splitlines()
