"""The reader on texts written by hand: dates in words and figures, amounts, names cut by a line
break, and a field stated twice with two values left empty, never guessed."""

import datetime
from decimal import Decimal

import pytest

from procedure.reading import reader
from procedure.reading import text as t

LOOKUPS = reader.Lookups(communes={"21000": [("21231", "dijon")], "21300": [("21166", "chenove")]})


def read(text):
    return reader.read_text(t.flatten(text), lookups=LOOKUPS)


@pytest.mark.parametrize(
    ("words", "number"),
    [("un", 1), ("premier", 1), ("vingt-et-un", 21), ("trente et un", 31), ("deux mille vingt-six", 2026)],
)
def test_numbers_in_words(words, number):
    assert t.words_to_number(words) == number


@pytest.mark.parametrize(
    ("written", "date"),
    [
        ("Fait à Dijon, le 12/03/2026", datetime.date(2026, 3, 12)),
        ("Fait à Dijon, le 1er mars 2026", datetime.date(2026, 3, 1)),
        ("Fait à Dijon, le jeudi 12 mars 2026", datetime.date(2026, 3, 12)),
        ("L'an deux mille vingt-six, le vingt-et-un décembre", datetime.date(2026, 12, 21)),
        ("L'an deux mille vingt-cinq et le premier août", datetime.date(2025, 8, 1)),
    ],
)
def test_the_act_date_in_words_and_in_figures(written, date):
    reading = read(f"COMMANDEMENT DE PAYER\n{written}")

    assert reading.value("date_acte") == date.isoformat()


@pytest.mark.parametrize(
    ("written", "amount"),
    [
        ("1 234,56 €", "1234.56"),
        ("1\u202f234,56 €", "1234.56"),
        ("850 euros", "850.00"),
        ("12.345,00 €", "12345.00"),
    ],
)
def test_the_debt_as_amounts_are_written(written, amount):
    reading = read(f"COMMANDEMENT DE PAYER\nArriéré locatif : {written}")

    assert Decimal(reading.value("dette")) == Decimal(amount)


def test_a_name_cut_by_a_line_break_is_joined_again():
    reading = read(
        "ASSIGNATION\nDéfendeur : Madame Marie-\nChristine N'DIAYE,"
        " demeurant 8 rue Jean\nMoulin, 21300 Chenôve"
    )

    assert (reading.value("prenom"), reading.value("nom")) == ("Marie-Christine", "N'Diaye")
    assert (reading.value("adresse"), reading.value("commune_insee")) == ("8 rue Jean Moulin", "21166")


def test_two_different_act_dates_leave_the_date_empty_and_unsure():
    reading = read("COMMANDEMENT DE PAYER\nDate de l'acte : 12/03/2026\nFait à Dijon, le 13 mars 2026")

    assert reading.value("date_acte") == ""
    assert "date_acte" in reading.unsure


def test_an_unknown_commune_leaves_the_address_empty():
    reading = read(
        "COMMANDEMENT DE PAYER\nDestinataire : Madame Anne DUVAL, demeurant 3 rue Haute, 75011 Paris"
    )

    assert reading.value("nom") == "Duval"
    assert reading.value("commune_insee") == ""
    assert reading.value("adresse") == ""


def test_each_field_keeps_the_words_it_was_read_from():
    text = t.flatten("COMMANDEMENT DE PAYER\nDossier n° : CJ-26-00042\nArriéré locatif : 2 450,00 €")
    reading = reader.read_text(text, lookups=LOOKUPS)

    reference, debt = reading.fields["reference"], reading.fields["dette"]
    assert text[reference.start : reference.end] == "CJ-26-00042"
    assert text[debt.start : debt.end] == "2 450,00 €"


def test_an_act_without_a_known_title_has_no_kind():
    assert read("Lettre de relance amiable\nMadame, vous devez 300 €.").kind == ""


def test_a_file_that_is_not_a_pdf_is_unreadable():
    with pytest.raises(t.UnreadablePdf):
        t.extract(b"%PDF-1.4 this is not really a PDF")


# Wordings the tables were not written for: fields may stay empty, none may be wrong.
UNSEEN = (
    (
        "Étude Martin & Associés. Acte de commandement de payer. Nous, commissaires, à la demande de la "
        "société civile immobilière Bellevue, avons notifié au locataire, M. Paul ROUX, habitant "
        "9 quai Nicolas Rolin 21200 Beaune, d'avoir à régler 3 000 € sous six semaines. "
        "Dijon, le 4 mars 2026.",
        {"acte": "commandement_de_payer", "nom": "Roux", "prenom": "Paul", "adresse": "", "date_acte": ""},
    ),
    (
        "JUGEMENT DU 3 MARS 2026. Jugement du 10 mars 2026 (rectificatif). DÉFENDEUR : Madame Léa PETIT, "
        "demeurant 1 rue Vauban, 21000 Dijon. Prononce la résiliation du bail. Ordonne la radiation.",
        {"acte": "jugement", "date_acte": "", "issue": "", "nom": "Petit", "commune_insee": "21231"},
    ),
    (
        "COMMANDEMENT DE PAYER. Référence : CJ-26-00001. Réf. : CJ-26-00002. Destinataire : Monsieur "
        "Jean DUVAL, demeurant 3 rue Haute, 21000 Dijon. Destinataire : Madame Anne MARTIN, demeurant "
        "5 rue Basse, 21300 Chenôve.",
        {"reference": "", "nom": "", "prenom": "", "adresse": "", "commune_insee": ""},
    ),
)


@pytest.mark.parametrize(("text", "expected"), UNSEEN)
def test_an_unseen_wording_leaves_fields_empty_rather_than_wrong(text, expected):
    reading = read(text)

    assert {name: reading.value(name) for name in expected} == expected
