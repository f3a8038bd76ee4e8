"""How well acts are read, measured on the suite's own generated set (tests/procedure/act_pdfs.py):
per field, the share read right, left empty and read wrong, printed; every mandatory field right
on at least 95 % of the acts, and never a wrong value proposed (a field the reader is unsure of is
left empty)."""

import pytest

from procedure import services as procedure_services
from procedure.reading import reader, services
from tests.procedure import act_pdfs
from tests.procedure.reading_fixtures import acts_world, today  # noqa: F401

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("acts_world")]

ACTS = 45  # five kinds × three wordings × three households each


def same(read, expected):
    return procedure_services.normalise(read) == procedure_services.normalise(expected)


def measure(acts, lookups):
    """Per field: (right, empty, wrong) counts; and the acts with every mandatory field right."""
    counts, complete, wrong_values = {}, 0, []
    for act in acts:
        reading = reader.read_pdf(act.pdf, lookups=lookups)
        mandatory_right = True
        for name, expected in act.expected.items():
            read = reading.value(name)
            right, empty, wrong = counts.setdefault(name, [0, 0, 0]), not read, False
            if expected is None:
                wrong = bool(read)
            elif empty:
                right[1] += 1
            else:
                wrong = not same(read, expected)
            if wrong:
                right[2] += 1
                wrong_values.append(f"{act.name}: {name} lu « {read} », attendu « {expected} »")
            elif expected is not None and not empty:
                right[0] += 1
            if name in act_pdfs.MANDATORY[act.expected["acte"]] and (wrong or empty):
                mandatory_right = False
        complete += mandatory_right
    return counts, complete, wrong_values


def print_table(counts, complete, total):
    print(f"\nLecture de {total} actes générés : champ, justes, vides, faux")
    for name, (right, empty, wrong) in counts.items():
        stated = right + empty + wrong
        share = f"{100 * right / stated:5.1f} %" if stated else "  —"
        print(f"  {name:<15} {share}  {right:>3} justes, {empty:>3} vides, {wrong:>3} faux")
    print(f"Actes dont tous les champs obligatoires sont justes : {complete}/{total}")


def test_generated_acts_are_read_with_every_mandatory_field_right_and_no_wrong_value():
    acts = act_pdfs.generate(ACTS, today=today())
    counts, complete, wrong_values = measure(acts, services.lookups())
    print_table(counts, complete, len(acts))

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
