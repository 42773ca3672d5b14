"""The README stays true and short: CI runs exactly the test command the README shows, the README
stays a page a newcomer reads, and every relative link in it and in docs/ leads somewhere."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.conftest import REPO_ROOT

README = REPO_ROOT / "README.md"
DOCUMENTS = [
    README,
    *sorted((REPO_ROOT / "docs").glob("*.md")),
    REPO_ROOT / "benchmarks" / "README.md",
]

FENCE = re.compile(r"^(```|~~~).*?^\1", re.DOTALL | re.MULTILINE)
CODE_SPAN = re.compile(r"`[^`\n]*`")
LINK = re.compile(r"\[[^\]]*\]\(([^)\s]+)(?:\s+\"[^\"]*\")?\)")
HEADING = re.compile(r"^#{1,6}\s+(.+?)\s*#*\s*$", re.MULTILINE)


def readme_commands() -> list[str]:
    return re.findall(r"```sh\n(.+?)\n```", README.read_text())[:2]


def test_ci_runs_the_readme_test_command() -> None:
    run, test = readme_commands()
    assert "python -m bot" in run
    assert "pytest" in test
    assert test in (REPO_ROOT / ".ci" / "run").read_text().splitlines()


def test_readme_stays_short() -> None:
    lines = len(README.read_text().splitlines())
    assert lines < 160, f"README.md has {lines} lines; move detail into docs/"


def slug(heading: str) -> str:
    """GitHub's anchor for a heading: lowercase, punctuation but '-' and '_' dropped, spaces
    to '-'."""
    text = CODE_SPAN.sub(lambda span: span.group()[1:-1], heading).strip().lower()
    text = re.sub(r"[^\w\- ]", "", text)
    return text.replace(" ", "-")


def anchors(document: Path) -> set[str]:
    found: set[str] = set()
    seen: dict[str, int] = {}
    for heading in HEADING.findall(FENCE.sub("", document.read_text())):
        base = slug(heading)
        count = seen.get(base, 0)
        seen[base] = count + 1
        found.add(base if count == 0 else f"{base}-{count}")
    return found


def relative_links(document: Path) -> list[str]:
    text = CODE_SPAN.sub("", FENCE.sub("", document.read_text()))
    return [
        target
        for target in LINK.findall(text)
        if not re.match(r"[a-z][a-z0-9+.-]*:", target, re.IGNORECASE)
    ]


def test_slug_follows_github() -> None:
    assert slug("Health check: `GET /healthz`") == "health-check-get-healthz"
    assert (
        slug("Deploying (Procfile platforms, PostgreSQL)")
        == "deploying-procfile-platforms-postgresql"
    )
    assert slug("Stopping and redeploying (SIGTERM)") == "stopping-and-redeploying-sigterm"


@pytest.mark.parametrize("document", DOCUMENTS, ids=lambda path: str(path.relative_to(REPO_ROOT)))
def test_relative_links_lead_somewhere(document: Path) -> None:
    assert document.exists()
    broken = []
    for target in relative_links(document):
        path, _, anchor = target.partition("#")
        destination = (document.parent / path).resolve() if path else document
        if not destination.exists():
            broken.append(f"{target}: no such file")
        elif anchor and destination.suffix == ".md" and anchor not in anchors(destination):
            broken.append(f"{target}: no heading #{anchor} in {destination.name}")
    assert not broken, f"{document.relative_to(REPO_ROOT)}: " + "; ".join(broken)


def test_links_are_found() -> None:
    """The link check sees the README's links into docs/ (a regex that found none would pass)."""
    links = relative_links(README)
    assert "docs/operating.md#one-receiver" in links
    assert "docs/testing.md" in links
