"""Property-based tests of the import parsers (no database)."""

import csv
import io

from hypothesis import given, settings
from hypothesis import strategies as st

from cnfs.lieux.enums import SCHEMA_LISTS
from cnfs.lieux.importers.communes import commune_key
from cnfs.lieux.importers.reading import ImportFileError, read_file
from cnfs.lieux.importers.rows import ENUM_TABLES
from cnfs.lieux.importers.vocabulary import fold, split_list

ENUM_FIELDS = sorted(ENUM_TABLES)
HEADER = "id,pivot,nom,commune,code_postal,adresse,services\n"


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=400))
def test_any_bytes_are_read_or_refused_in_french(data):
    try:
        parsed = read_file(data)
    except ImportFileError as exc:
        assert exc.message and exc.message[0].isupper()
    else:
        assert parsed.records or parsed.errors


cell_text = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=30)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.lists(cell_text, min_size=7, max_size=7), max_size=5))
def test_any_csv_with_the_header_keeps_its_rows_and_numbers_them(rows):
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    try:
        parsed = read_file((HEADER + out.getvalue()).encode("utf-8"))
    except ImportFileError as exc:
        assert exc.message
        return
    lines = [r.line for r in parsed.records] + [line for line, _ in parsed.errors]
    assert len(lines) == len(set(lines))
    assert all(line >= 2 for line in lines)


@given(
    st.sampled_from(ENUM_FIELDS).flatmap(
        lambda f: st.tuples(st.just(f), st.lists(st.sampled_from(SCHEMA_LISTS[f].choices), unique=True))
    )
)
def test_export_labels_read_back_as_the_same_slugs(field_and_values):
    field, choices = field_and_values
    cell = "|".join(label for _, label in choices)
    table = ENUM_TABLES[field]
    assert [table[fold(item)] for item in split_list(cell)] == [value for value, _ in choices]


@given(st.text(max_size=40))
def test_commune_key_is_idempotent_and_case_insensitive(name):
    key = commune_key(name)
    assert commune_key(key) == key
    assert commune_key(name.upper()) == commune_key(name.lower()) or not name.isascii()
