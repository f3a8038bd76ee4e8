"""The lists' paginator: it counts up to CAP rows and no further, so that a page of a long list
never pays for an exact COUNT(*) over the whole table ("plus de 10 000 procédures")."""

from django.core.paginator import Paginator
from django.utils.functional import cached_property

CAP = 10_000


def thousands(number) -> str:
    """12 345 with a narrow no-break space, as French writes it."""
    return f"{number:,}".replace(",", "\u202f")


class CappedPaginator(Paginator):
    @cached_property
    def count(self):
        """The number of rows, or CAP + 1 when there are more than CAP (one bounded subquery)."""
        return self.object_list.order_by().values("pk")[: CAP + 1].count()

    @property
    def capped(self) -> bool:
        return self.count > CAP

    @property
    def count_text(self) -> str:
        return f"plus de {thousands(CAP)}" if self.capped else thousands(self.count)
