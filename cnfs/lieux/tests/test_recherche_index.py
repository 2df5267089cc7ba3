"""The in-memory index: same answers as a brute-force scan, filters, radius, names, opening hours."""

from datetime import UTC, date, datetime, timedelta

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cnfs.lieux import horaires
from cnfs.lieux.recherche import index as index_module
from cnfs.lieux.recherche.index import EARTH_RADIUS_KM, Filters, _OpenStates, build_index, normalise_text
from cnfs.lieux.recherche.selectors import hours_filters

TAGS = [
    "|service:aide-demarches-administratives|label:france-services|dispositif:france-services|",
    "|service:parentalite-education|public:seniors|",
    "|frais:payant|modalite_accompagnement:a-distance|",
    "",
]
HOURS = ["Mo-Fr 09:00-12:00", "24/7", "off", "", "Sa 10:00-12:00"]


def synthetic_rows(count: int, seed: int = 7):
    rng = np.random.default_rng(seed)
    latitudes = rng.uniform(42.3, 51.0, count)
    longitudes = rng.uniform(-4.8, 8.2, count)
    for i in range(count):
        yield (
            i + 1,
            float(latitudes[i]),
            float(longitudes[i]),
            f"Lieu {i} {'médiathèque' if i % 10 == 0 else 'espace'}",
            HOURS[i % len(HOURS)],
            TAGS[i % len(TAGS)],
        )


def haversine_km(lat1, lon1, lat2, lon2):
    lat1, lon1, lat2, lon2 = map(np.radians, (lat1, lon1, lat2, lon2))
    a = np.sin((lat2 - lat1) / 2) ** 2 + np.cos(lat1) * np.cos(lat2) * np.sin((lon2 - lon1) / 2) ** 2
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(a))


def brute_force(rows, origin, limit, keep=lambda row: True, radius_km=None):
    rows = [row for row in rows if keep(row)]
    lat = np.array([r[1] for r in rows])
    lon = np.array([r[2] for r in rows])
    distances = haversine_km(origin[0], origin[1], lat, lon)
    order = np.argsort(distances, kind="stable")
    result = [(rows[i][0], float(distances[i])) for i in order if radius_km is None or distances[i] <= radius_km]
    return result[:limit]


@pytest.fixture(scope="module")
def rows():
    return list(synthetic_rows(3000))


@pytest.fixture(scope="module")
def index(rows):
    return build_index(rows)


def assert_same(found, expected):
    assert [pk for pk, _ in found] == [pk for pk, _ in expected]
    assert max((abs(a - b) for (_, a), (_, b) in zip(found, expected, strict=True)), default=0) < 0.001  # < 1 m


@pytest.mark.parametrize("origin", [(45.4339, 4.39), (48.8566, 2.3522), (43.2965, 5.3698), (50.0, -4.0)])
@pytest.mark.parametrize("limit", [1, 20, 200])
def test_nearest_matches_brute_force(index, rows, origin, limit):
    assert_same(index.search(Filters(), origin=origin, limit=limit), brute_force(rows, origin, limit))


@pytest.mark.parametrize(
    ("values", "keep"),
    [
        ({"labels": ["france-services"]}, lambda r: "label:france-services" in r[5]),
        ({"services": ["parentalite-education"], "publics": ["seniors"]}, lambda r: "public:seniors" in r[5]),
        ({"frais": ["payant", "gratuit"]}, lambda r: "frais:payant" in r[5]),
        ({"frais": ["gratuit"]}, lambda r: False),
        ({"labels": ["valeur-inconnue"]}, lambda r: False),
    ],
)
def test_filters_match_brute_force(index, rows, values, keep):
    origin = (46.5, 2.5)
    expected = brute_force(rows, origin, 30, keep)
    assert_same(index.search(Filters(values=values), origin=origin, limit=30), expected)


def test_radius(index, rows):
    origin = (45.0, 3.0)
    found = index.search(Filters(), origin=origin, limit=500, radius_km=60)
    assert found and all(distance <= 60 for _, distance in found)
    assert_same(found, brute_force(rows, origin, 500, radius_km=60))


def test_name_search_without_origin_is_sorted_by_name(index):
    found = index.search(Filters(name="MEDIATHEQUE lieu 1"), origin=None, limit=5)
    assert all(distance is None for _, distance in found)
    names = [index.names[int(np.flatnonzero(index.ids == pk)[0])] for pk, _ in found]
    assert names == sorted(names)
    assert all("mediatheque" in name and "1" in name for name in names)


def test_hours_filters_with_fixed_datetimes(index, rows):
    origin = (47.0, 2.0)
    tuesday_10h = datetime(2025, 3, 11, 10, 0)
    checks = hours_filters(ouvert_maintenant=True, ouvert_samedi=False, now=tuesday_10h, today=tuesday_10h.date())
    found = index.search(Filters(**checks), origin=origin, limit=40)
    expected = brute_force(rows, origin, 40, lambda r: r[4] in ("Mo-Fr 09:00-12:00", "24/7"))
    assert_same(found, expected)
    tuesday_15h = datetime(2025, 3, 11, 15, 0)
    checks = hours_filters(ouvert_maintenant=True, ouvert_samedi=False, now=tuesday_15h, today=tuesday_15h.date())
    assert_same(
        index.search(Filters(**checks), origin=origin, limit=40),
        brute_force(rows, origin, 40, lambda r: r[4] == "24/7"),
    )
    checks = hours_filters(ouvert_maintenant=False, ouvert_samedi=True, now=tuesday_15h, today=tuesday_15h.date())
    expected = brute_force(rows, origin, 40, lambda r: r[4] in ("24/7", "Sa 10:00-12:00"))
    assert_same(index.search(Filters(**checks), origin=origin, limit=40), expected)


def test_open_now_at_night_finds_only_round_the_clock_places(index, rows):
    night = datetime(2025, 3, 11, 3, 0)
    checks = hours_filters(ouvert_maintenant=True, ouvert_samedi=False, now=night, today=night.date())
    found = index.search(Filters(**checks), origin=(47.0, 2.0), limit=20)
    assert_same(found, brute_force(rows, (47.0, 2.0), 20, lambda r: r[4] == "24/7"))


def test_empty_index():
    index = build_index([])
    assert index.search(Filters(), origin=(45.0, 4.0), limit=10) == []
    assert index.search(Filters(name="x"), origin=None, limit=10) == []


def test_normalise_text():
    assert normalise_text("Médiathèque l'Île-d'Abeau") == "mediatheque l ile d abeau"
    assert normalise_text("%%%") == ""


@pytest.mark.parametrize("ratio", [0, 10**9], ids=["kd-tree", "scan"])
@pytest.mark.parametrize(
    ("filters", "keep"),
    [
        (Filters(values={"labels": ["france-services"]}), lambda r: "label:france-services" in r[5]),
        (Filters(values={"frais": ["payant"]}, open_day=date(2025, 3, 15)), lambda r: r[5].startswith("|frais")),
        (Filters(open_at=datetime(2025, 3, 11, 10, 0)), lambda r: r[4] in ("Mo-Fr 09:00-12:00", "24/7")),
        (Filters(name="mediatheque"), lambda r: "médiathèque" in r[3]),
    ],
)
@pytest.mark.parametrize("radius_km", [None, 80])
def test_tree_and_scan_paths_agree_with_brute_force(index, rows, monkeypatch, ratio, filters, keep, radius_km):
    # Which path a filtered search takes depends on its selectivity: force each one on the same queries.
    monkeypatch.setattr(index_module, "TREE_COST_RATIO", ratio)
    if filters.open_day is not None:
        saturday_keep = keep
        keep = lambda r: saturday_keep(r) and r[4] in ("24/7", "Sa 10:00-12:00")  # noqa: E731
    for origin in [(46.5, 2.5), (43.3, 5.4), (50.9, 1.8)]:
        for limit in (1, 25, 400):
            expected = brute_force(rows, origin, limit, keep, radius_km=radius_km)
            assert_same(index.search(filters, origin=origin, limit=limit, radius_km=radius_km), expected)


OSM_SAMPLES = [
    "Mo-Fr 09:00-12:00,14:00-17:00",
    "Tu-Fr 09:00-12:00,14:00-17:00; Sa 09:00-12:00",
    "Mo-Fr 08:30-12:30,13:30-17:00; PH off",
    "We 14:00-18:00",
    "Mo-Sa 10:00-19:00",
    "24/7",
    "off",
    "Mo-Fr 22:00-02:00",
    "Jan-Jun Mo 10:00-11:00; Jul-Dec Th 15:00-16:30",
    "week 10-20 Mo 10:00-11:00",
    "",
    "pas des horaires",
]


@settings(max_examples=60, deadline=None)
@given(
    moments=st.lists(
        st.datetimes(min_value=datetime(2025, 1, 1), max_value=datetime(2026, 12, 31), timezones=st.none()),
        min_size=1,
        max_size=25,
    )
)
def test_cached_open_states_equal_direct_evaluation(moments):
    # Each state is reused until the string's next change: any sequence of instants, forwards or backwards,
    # must give what the parser says at that instant.
    states = _OpenStates(OSM_SAMPLES)
    for moment in moments + sorted(moments) + [m + timedelta(minutes=1) for m in moments]:
        assert states.at(moment).tolist() == [horaires.is_open(value, moment) for value in OSM_SAMPLES]


def test_cached_open_states_of_aware_instants():
    states = _OpenStates(OSM_SAMPLES)
    # 08:30 UTC is 09:30 in Paris in winter, 10:30 in summer.
    assert states.at(datetime(2025, 1, 7, 8, 30, tzinfo=UTC))[0]
    assert not states.at(datetime(2025, 1, 7, 7, 30, tzinfo=UTC))[0]
    assert states.at(datetime(2025, 7, 8, 7, 30, tzinfo=UTC))[0]


@settings(max_examples=80, deadline=None)
@given(
    names=st.lists(st.text(alphabet="abcé -'lmo12", max_size=12), max_size=30),
    typed=st.text(alphabet="abcé -'lmo12", max_size=8),
)
def test_name_mask_equals_word_containment(names, typed):
    index = build_index([(i + 1, 45.0, 4.0, name, "", "") for i, name in enumerate(names)])
    words = normalise_text(typed).split()
    mask = index.static_mask(Filters(name=typed))
    if not words:
        assert mask is None
    else:
        assert mask.tolist() == [all(word in normalise_text(name) for word in words) for name in names]
