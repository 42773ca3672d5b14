from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.domain.sites import Injector, Site, allowed_sites, is_allowed, suggest_next_site

SELF_SITES = (Site.THIGH_LEFT, Site.THIGH_RIGHT, Site.ABDOMEN_LEFT, Site.ABDOMEN_RIGHT)
ARMS = (Site.ARM_LEFT, Site.ARM_RIGHT)
HELPED = (Injector.CAREGIVER, Injector.PROFESSIONAL)


def test_values() -> None:
    assert [site.value for site in Site] == [
        "thigh_left",
        "thigh_right",
        "abdomen_left",
        "abdomen_right",
        "arm_left",
        "arm_right",
    ]
    assert [injector.value for injector in Injector] == ["self", "caregiver", "professional"]


def test_allowed_sites_per_injector() -> None:
    assert allowed_sites(Injector.SELF) == SELF_SITES
    for injector in HELPED:
        assert allowed_sites(injector) == (*SELF_SITES, *ARMS)


@pytest.mark.parametrize("site", list(Site))
@pytest.mark.parametrize("injector", list(Injector))
def test_is_allowed(site: Site, injector: Injector) -> None:
    expected = site not in ARMS or injector is not Injector.SELF
    assert is_allowed(site, injector) is expected


def test_self_rotation_covers_all_four_sites_in_four_doses() -> None:
    recent: list[Site] = []
    for _ in range(4):
        recent.insert(0, suggest_next_site(recent, Injector.SELF))
    assert recent[::-1] == list(SELF_SITES)
    assert suggest_next_site(recent, Injector.SELF) is Site.THIGH_LEFT


def test_caregiver_rotation_includes_the_arms() -> None:
    recent: list[Site] = []
    for _ in range(6):
        recent.insert(0, suggest_next_site(recent, Injector.CAREGIVER))
    assert recent[::-1] == [*SELF_SITES, *ARMS]


def test_never_used_beats_used_in_the_fixed_order() -> None:
    recent = [Site.ABDOMEN_LEFT, Site.THIGH_LEFT]
    assert suggest_next_site(recent, Injector.SELF) is Site.THIGH_RIGHT
    assert suggest_next_site([Site.THIGH_RIGHT], Injector.SELF) is Site.THIGH_LEFT
    every_self_site = [Site.ABDOMEN_RIGHT, Site.THIGH_RIGHT, Site.ABDOMEN_LEFT, Site.THIGH_LEFT]
    assert suggest_next_site(every_self_site, Injector.CAREGIVER) is Site.ARM_LEFT


def test_least_recently_used_among_used_sites() -> None:
    recent = [
        Site.THIGH_LEFT,
        Site.ARM_RIGHT,
        Site.ABDOMEN_RIGHT,
        Site.THIGH_RIGHT,
        Site.ARM_LEFT,
        Site.ABDOMEN_LEFT,
        Site.THIGH_LEFT,
    ]
    assert suggest_next_site(recent, Injector.CAREGIVER) is Site.ABDOMEN_LEFT
    assert suggest_next_site(recent, Injector.PROFESSIONAL) is Site.ABDOMEN_LEFT
    assert suggest_next_site(recent, Injector.SELF) is Site.ABDOMEN_LEFT
    assert suggest_next_site(recent[:5], Injector.CAREGIVER) is Site.ABDOMEN_LEFT
    assert suggest_next_site(recent[:5], Injector.SELF) is Site.ABDOMEN_LEFT
    assert suggest_next_site(recent[:4], Injector.SELF) is Site.ABDOMEN_LEFT
    assert suggest_next_site(recent[:4], Injector.CAREGIVER) is Site.ABDOMEN_LEFT
    assert suggest_next_site([Site.ABDOMEN_LEFT, *recent[:4]], Injector.CAREGIVER) is Site.ARM_LEFT


def test_arms_used_by_a_caregiver_are_ignored_when_self_injecting() -> None:
    recent = [Site.ARM_LEFT, Site.ARM_RIGHT, Site.THIGH_LEFT]
    assert suggest_next_site(recent, Injector.SELF) is Site.THIGH_RIGHT
    assert suggest_next_site(list(ARMS), Injector.SELF) is Site.THIGH_LEFT


def test_empty_history_starts_at_the_left_thigh() -> None:
    for injector in Injector:
        assert suggest_next_site([], injector) is Site.THIGH_LEFT


@given(st.lists(st.sampled_from(list(Site)), max_size=20), st.sampled_from(list(Injector)))
def test_suggestion_properties(recent: list[Site], injector: Injector) -> None:
    suggested = suggest_next_site(recent, injector)
    assert is_allowed(suggested, injector)
    if injector is Injector.SELF:
        assert suggested not in ARMS
    if recent:
        assert suggested is not recent[0]
    allowed = allowed_sites(injector)
    if suggested in recent:
        used_since = recent[: recent.index(suggested)]
        assert all(site in used_since for site in allowed if site is not suggested)
    else:
        earlier = allowed[: allowed.index(suggested)]
        assert all(site in recent for site in earlier)
