"""`dashboard_figures` from the rollups equals the same figures by GROUP BY on the raw records, at every level."""

import datetime as dt

import pytest

from cnfs.pilotage.models import RollupConseiller
from cnfs.pilotage.permissions import NATIONAL, DashboardScope
from cnfs.pilotage.selectors import (
    Filters,
    advisors_with_activity,
    conseiller_in_scope,
    dashboard_figures,
    rollup_level,
)
from cnfs.pilotage.tests.helpers import archive, change, world

pytestmark = pytest.mark.django_db


def _numbers(figures):
    return [(s.key, [(line.libelle, line.valeurs) for line in s.lignes]) for s in figures.sections]


def _same_as_raw(scope, filters):
    rollup = dashboard_figures(scope, filters, funnel=False, coverage=False)
    raw = dashboard_figures(scope, filters, funnel=False, coverage=False, raw=True)
    assert _numbers(rollup) == _numbers(raw)
    return rollup


@pytest.fixture
def w():
    w = world()
    change(w["records"][1], duree_minutes=25)
    archive(w["records"][5])
    return w


def scopes(w):
    return {
        "national": NATIONAL,
        "loire": DashboardScope("Loire", departements=frozenset({"42"})),
        "deux": DashboardScope("Deux", departements=frozenset({"42", "69"})),
        "structure": DashboardScope("Structure", structure_ids=frozenset({w["s_loire"].pk})),
        "conseiller": DashboardScope("Conseiller", conseiller_ids=frozenset({w["c1"].pk})),
    }


FILTERS = [
    Filters(),
    Filters(date_debut=dt.date(2024, 2, 1), date_fin=dt.date(2024, 3, 31)),
    Filters(date_debut=dt.date(2024, 1, 6), date_fin=dt.date(2024, 2, 27)),  # inside months: daily rollups
    Filters(departement="42"),
    Filters(theme="courriel"),
    Filters(theme="courriel", date_debut=dt.date(2024, 1, 1), date_fin=dt.date(2024, 1, 31)),
    # Daily rows read per topic (their sets of topics), a record on two topics counted under each.
    Filters(theme="courriel", date_debut=dt.date(2024, 1, 6), date_fin=dt.date(2024, 2, 27)),
]


@pytest.mark.parametrize("name", ["national", "loire", "deux", "structure", "conseiller"])
@pytest.mark.parametrize("index", range(len(FILTERS)))
def test_rollups_equal_raw_records(w, name, index):
    _same_as_raw(scopes(w)[name], FILTERS[index])


def test_advisor_and_structure_filters_equal_raw_records(w):
    _same_as_raw(NATIONAL, Filters(conseiller_id=w["c1"].pk))
    _same_as_raw(NATIONAL, Filters(structure_id=w["s_loire"].pk, theme="smartphone"))


def test_levels_are_chosen_and_agree(w):
    assert rollup_level(NATIONAL, Filters()) == "nat"
    assert rollup_level(NATIONAL, Filters(departement="42")) == "dep"
    assert rollup_level(scopes(w)["loire"], Filters()) == "dep"
    assert rollup_level(NATIONAL, Filters(date_debut=dt.date(2024, 1, 6))) == "fine"
    assert rollup_level(scopes(w)["conseiller"], Filters()) == "fine"
    national = dashboard_figures(NATIONAL, Filters(), funnel=False, coverage=False)
    # The same national figures from the daily rollups (a period covering everything, not month-aligned).
    daily = dashboard_figures(
        NATIONAL, Filters(date_debut=dt.date(2020, 1, 2), date_fin=dt.date(2024, 3, 31)), funnel=False, coverage=False
    )
    assert national.grain == "national" and daily.grain == "quotidien"
    assert national.totaux == daily.totaux
    assert national.section("themes").lignes == daily.section("themes").lignes


def test_expected_national_numbers(w):
    figures = dashboard_figures(NATIONAL, Filters(), funnel=False, coverage=False)
    assert figures.totaux["accompagnements"] == 5  # six records, one archived
    assert figures.totaux["participants"] == 15
    assert figures.totaux["ateliers"] == 1
    assert dict((line.libelle, line.valeurs) for line in figures.section("chiffres_cles").lignes)[
        "Heures d’accompagnement"
    ] == ((45 + 25 + 120 + 15 + 60 + 30) // 60,)
    months = [line.libelle for line in figures.section("mensuel").lignes]
    assert months == ["janvier 2024", "février 2024", "mars 2024"]
    deps = {line.libelle: line.valeurs for line in figures.section("departements").lignes}
    assert deps == {"Département 42 (42)": (4, 12), "Département 69 (69)": (1, 3)}


def test_topic_filter_counts_records_with_the_topic_and_says_what_is_not_broken_down(w):
    figures = dashboard_figures(NATIONAL, Filters(theme="courriel"), funnel=False, coverage=False)
    assert figures.totaux["accompagnements"] == 2
    assert figures.section("types").lignes == [] and "Non ventilé" in figures.section("types").note
    assert [line.libelle for line in figures.section("themes").lignes] == ["Gérer ses courriels"]


def test_funnel_counts_candidatures_by_stage_in_the_territory(w):
    from cnfs.recrutement.tests.factories import CandidatureFactory

    CandidatureFactory(commune=w["loire"], etape="en_poste")
    CandidatureFactory(commune=w["loire"], etape="en_formation")
    CandidatureFactory(commune=w["rhone"], etape="en_poste")
    loire = dashboard_figures(scopes(w)["loire"], Filters(), coverage=False)
    funnel = {line.libelle: line.valeurs[0] for line in loire.section("entonnoir").lignes}
    assert funnel["En poste"] == 1 and funnel["En formation"] == 1
    national = dashboard_figures(NATIONAL, Filters(), coverage=False)
    assert {line.libelle: line.valeurs[0] for line in national.section("entonnoir").lignes}["En poste"] == 2
    assert dashboard_figures(scopes(w)["structure"], Filters()).section("entonnoir") is None


def test_funnel_follows_the_selected_period(w):
    from cnfs.recrutement.models import Candidature
    from cnfs.recrutement.tests.factories import CandidatureFactory

    early = CandidatureFactory(commune=w["loire"], etape="en_poste")
    CandidatureFactory(commune=w["loire"], etape="en_poste")
    Candidature.objects.filter(pk=early.pk).update(created_at=dt.datetime(2024, 3, 10, 12, tzinfo=dt.UTC))

    def en_poste(filters):
        section = dashboard_figures(NATIONAL, filters, coverage=False).section("entonnoir")
        return {line.libelle: line.valeurs[0] for line in section.lignes}["En poste"], section.note

    assert en_poste(Filters())[0] == 2
    count, note = en_poste(Filters(date_debut=dt.date(2024, 1, 1), date_fin=dt.date(2024, 12, 31)))
    assert count == 1 and "déposées pendant la période" in note
    assert en_poste(Filters(date_debut=dt.date(2025, 1, 1)))[0] == 1
    assert en_poste(Filters(date_fin=dt.date(2023, 12, 31)))[0] == 0


def test_coverage_section_reads_the_places_app(w):
    from cnfs.lieux.maillage.selectors import clear_caches
    from cnfs.lieux.tests.factories import LieuFactory

    clear_caches()
    LieuFactory(commune=w["loire"])
    figures = dashboard_figures(scopes(w)["loire"], Filters(), funnel=False)
    lines = {line.libelle: line.valeurs[0] for line in figures.section("couverture").lignes}
    assert lines["Population"] == 172565
    assert lines["Part de la population à 30 min ou moins (%)"] == 100.0


def test_a_territory_reads_the_advisors_who_worked_there_and_follows_their_moves(w):
    """The daily rollups are read through `RollupConseiller` (no index on territory): an advisor whose only record
    in the Loire moves to the Rhône leaves the Loire's list and its daily figures, and enters the Rhône's."""
    loire = scopes(w)["loire"]
    rhone = DashboardScope("Rhône", departements=frozenset({"69"}))
    inside_months = Filters(date_debut=dt.date(2024, 1, 6), date_fin=dt.date(2024, 3, 30))
    assert advisors_with_activity(loire, Filters()) == sorted([w["c1"].pk, w["c2"].pk])
    assert advisors_with_activity(rhone, Filters()) == [w["c3"].pk]
    c2_record = w["records"][3]
    change(c2_record, commune=w["rhone"], departement_code="69", structure=w["s_rhone"])
    assert advisors_with_activity(loire, Filters()) == [w["c1"].pk]
    assert advisors_with_activity(rhone, Filters()) == sorted([w["c2"].pk, w["c3"].pk])
    assert advisors_with_activity(NATIONAL, Filters(structure_id=w["s_loire"].pk)) == [w["c1"].pk]
    for scope in (loire, rhone):
        figures = _same_as_raw(scope, inside_months)
        assert figures.grain == "quotidien"
    assert _same_as_raw(rhone, inside_months).totaux["accompagnements"] == 2
    assert conseiller_in_scope(rhone, w["c2"].pk) and not conseiller_in_scope(loire, w["c2"].pk)
    assert not RollupConseiller.objects.filter(conseiller_id=w["c2"].pk, departement_code="42").exists()
