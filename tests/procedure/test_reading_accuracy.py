"""How well acts are read, measured on the suite's own generated set (tests/procedure/act_pdfs.py):
per field, the share read right, left empty and read wrong, printed; every mandatory field right
on at least 95 % of the acts, and never a wrong value proposed (a field the reader is unsure of is
left empty)."""

import pytest

from procedure.reading import reader, services
from tests.procedure import act_pdfs
from tests.procedure.reading_fixtures import acts_world, today  # noqa: F401

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("acts_world")]

ACTS = 45  # five kinds × three wordings × three households each


def test_generated_acts_are_read_with_every_mandatory_field_right_and_no_wrong_value():
    acts = act_pdfs.generate(ACTS, today=today())
    counts, complete, wrong_values = act_pdfs.measure(acts, services.lookups())
    print(act_pdfs.table(counts, complete, len(acts)))

    assert wrong_values == []
    assert complete / len(acts) >= 0.95


@pytest.mark.parametrize("kind", act_pdfs.KINDS)
@pytest.mark.parametrize("layout", [0, 1, 2])
def test_the_kind_is_recognised_from_its_legal_wording(kind, layout):
    act = act_pdfs.act(kind, layout=layout, seed=7, today=today())

    assert reader.read_pdf(act.pdf, lookups=services.lookups()).kind == kind


def test_a_scan_has_no_text_layer_and_nothing_is_proposed():
    reading = reader.read_pdf(act_pdfs.scan(), lookups=services.lookups())

    assert reading.scan is True
    assert reading.fields == {}
