"""The text of an act: extracted from its PDF with pypdf, flattened, folded for matching, and
its dates and amounts parsed as French acts write them ("douze mars deux mille vingt-six",
"1er mars 2026", "12/03/2026", "1 234,56 €")."""

import datetime
import io
import re
import unicodedata
from decimal import Decimal

from pypdf import PdfReader
from pypdf.errors import PdfReadError

# Fewer letters than this on every page: the PDF has no text layer, it is a scan.
MIN_LETTERS_PER_PAGE = 20


class UnreadablePdf(ValueError):
    pass


def extract(content: bytes) -> tuple[str, int, bool]:
    """The flattened text of the PDF, its page count, and whether it is a scan (no text layer)."""
    try:
        reader = PdfReader(io.BytesIO(content))
        pages = [page.extract_text() or "" for page in reader.pages]
    except (PdfReadError, ValueError, KeyError, TypeError) as error:
        raise UnreadablePdf("le fichier n'est pas un PDF lisible") from error
    if not pages:
        raise UnreadablePdf("le PDF n'a aucune page")
    letters = sum(char.isalpha() for page in pages for char in page)
    return flatten("\n".join(pages)), len(pages), letters < MIN_LETTERS_PER_PAGE * len(pages)


def flatten(text: str) -> str:
    """One space for every run of blanks and line breaks; a word cut by a hyphen at the end of a
    line ("Marie-\\nChristine") is joined again."""
    text = re.sub(r"(\w)-\s+(\w)", r"\1-\2", text)
    return re.sub(r"\s+", " ", text).strip()


def fold(text: str) -> str:
    """Lower case without accents, one character for one, so that spans found in the folded text
    slice the original."""
    return "".join(_fold_char(char) for char in text)


def _fold_char(char):
    if char in "’‘`":
        return "'"
    base = unicodedata.normalize("NFKD", char)[:1] or char
    lowered = base.lower()
    return lowered if len(lowered) == 1 else base


MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("janvier",), ("fevrier",), ("mars",), ("avril",), ("mai",), ("juin",), ("juillet",),
            ("aout",), ("septembre",), ("octobre",), ("novembre",), ("decembre",),
        ],
        start=1,
    )
    for name in names
}  # fmt: skip
MONTH = "(?:" + "|".join(MONTHS) + ")"

UNITS = {
    "zero": 0, "un": 1, "une": 1, "premier": 1, "deux": 2, "trois": 3, "quatre": 4, "cinq": 5,
    "six": 6, "sept": 7, "huit": 8, "neuf": 9, "dix": 10, "onze": 11, "douze": 12, "treize": 13,
    "quatorze": 14, "quinze": 15, "seize": 16, "vingt": 20, "trente": 30,
}  # fmt: skip
NUMBER_WORD = "(?:" + "|".join(sorted(UNITS, key=len, reverse=True)) + "|et|mille)"
NUMBER_IN_WORDS = rf"{NUMBER_WORD}(?:[ -]+{NUMBER_WORD})*"

DATE_IN_FIGURES = r"(?P<d>\d{1,2})[/.](?P<m>\d{1,2})[/.](?P<y>\d{4})"
DATE_WITH_MONTH = rf"(?P<d2>\d{{1,2}})(?:er)? (?P<month2>{MONTH}) (?P<y2>\d{{4}})"
DATE_IN_WORDS = rf"(?P<dw>{NUMBER_IN_WORDS}) (?P<month>{MONTH}) (?P<yw>deux mille(?:[ -]+{NUMBER_WORD})*)"
# A date, in the folded text; optionally preceded by a weekday.
WEEKDAY = r"(?:(?:lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche) )?"
DATE = rf"{WEEKDAY}(?:{DATE_IN_FIGURES}|{DATE_WITH_MONTH}|{DATE_IN_WORDS})"
# "L'an deux mille vingt-six, le douze mars": the bailiff's preamble, year before day.
PREAMBLE_DATE = (
    rf"l'an (?P<yw>deux mille(?:[ -]+{NUMBER_WORD})*)(?:,| et)? le (?P<dw>{NUMBER_IN_WORDS}) "
    rf"(?P<month>{MONTH})"
)


def words_to_number(words: str) -> int | None:
    """ "vingt-et-un" → 21, "deux mille vingt-six" → 2026; None for what is not a number."""
    total, current = 0, 0
    for word in re.split(r"[ -]+", words.strip()):
        if word == "et":
            continue
        if word == "mille":
            total += (current or 1) * 1000
            current = 0
        elif word in UNITS:
            current += UNITS[word]
        else:
            return None
    return total + current


def date_from_match(match) -> datetime.date | None:
    groups = {name: value for name, value in match.groupdict().items() if value}
    try:
        month = groups.get("month") or groups.get("month2")
        month = MONTHS[month] if month else int(groups["m"])
        day = groups.get("d") or groups.get("d2")
        day = int(day) if day else words_to_number(groups["dw"])
        year = groups.get("y") or groups.get("y2")
        year = int(year) if year else words_to_number(groups["yw"])
        return datetime.date(year, month, day)
    except (TypeError, ValueError, KeyError):
        return None


AMOUNT = r"(?P<amount>\d{1,3}(?:[ \u00a0\u202f.]\d{3})*(?:,\d{2})?|\d+(?:[.,]\d{2})?) ?(?:€|euros?\b)"


def amount_from_match(match) -> Decimal:
    text = re.sub(r"[ \u00a0\u202f]", "", match.group("amount"))
    if "," in text:
        text = text.replace(".", "").replace(",", ".")
    elif re.fullmatch(r"\d{1,3}(\.\d{3})+", text):
        text = text.replace(".", "")
    return Decimal(text).quantize(Decimal("0.01"))
