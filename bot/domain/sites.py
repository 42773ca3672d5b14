"""Where to inject, and which site to suggest next.

Kesimpta goes into the front of the thigh or the abdomen (at least 5 cm from the navel); the
upper outer arm only when someone else injects. Changing the site each time is good practice,
so the suggestion rotates through the allowed sites.
"""

from __future__ import annotations

from collections.abc import Sequence
from enum import StrEnum


class Site(StrEnum):
    """Declared in the order suggested for sites never used yet."""

    THIGH_LEFT = "thigh_left"
    THIGH_RIGHT = "thigh_right"
    ABDOMEN_LEFT = "abdomen_left"
    ABDOMEN_RIGHT = "abdomen_right"
    ARM_LEFT = "arm_left"
    ARM_RIGHT = "arm_right"


class Injector(StrEnum):
    """Who injects decides whether the arm is allowed."""

    SELF = "self"
    CAREGIVER = "caregiver"
    PROFESSIONAL = "professional"


_ALL_SITES: tuple[Site, ...] = tuple(Site)
_SELF_SITES: tuple[Site, ...] = tuple(
    site for site in Site if site not in (Site.ARM_LEFT, Site.ARM_RIGHT)
)


def allowed_sites(injector: Injector) -> tuple[Site, ...]:
    """The sites for this injector; patients cannot reach their own upper outer arm well."""
    return _SELF_SITES if injector is Injector.SELF else _ALL_SITES


def is_allowed(site: Site, injector: Injector) -> bool:
    return site in allowed_sites(injector)


def suggest_next_site(recent: Sequence[Site], injector: Injector) -> Site:
    """The allowed site used least recently; ``recent`` lists the latest injection first.

    A never-used site beats any used one (in declaration order among themselves), so the
    most recent site is never suggested while another one is allowed. Sites in ``recent``
    that are not allowed for this injector (the arm, now self-injecting) are ignored.
    """
    allowed = allowed_sites(injector)
    last_use: dict[Site, int] = {}
    for position, site in enumerate(recent):
        last_use.setdefault(site, position)
    never = len(recent)

    def staleness(order: int) -> tuple[int, int]:
        return last_use.get(allowed[order], never), -order

    return allowed[max(range(len(allowed)), key=staleness)]
