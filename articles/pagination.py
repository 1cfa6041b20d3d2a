"""Pages of long lists: page 2,000 of a section costs what page 2 does (#8)."""

from django.core.paginator import Paginator
from django.utils.functional import cached_property

from newsportal.fragments import cached_by_keys
from newsportal.front_cache import shared_max_age


class ArchivePaginator(Paginator):
    """A Paginator whose pages read only their own rows, however deep; still `?page=N`.

    Django's Paginator slices the list (`OFFSET 23988 LIMIT 12`): the database reads the 23,988
    earlier rows in full, only to skip them. Here the page's ids are found first, with the same
    filters and order but selecting only the id, which an index that holds the order answers
    without touching the table; then those few rows are read, in the same order. (A "deferred
    join". The list's queryset must be ordered and select whole rows.)
    """

    def __init__(self, object_list, per_page, *, counted_as=None, **kwargs):
        """`counted_as`: a name and the keys whose purge changes the count, to keep the count
        between requests (counting 100,000 published articles costs more than the page)."""
        super().__init__(object_list, per_page, **kwargs)
        self.counted_as = counted_as

    @cached_property
    def count(self):
        if self.counted_as is None:
            return Paginator.count.func(self)
        name, keys = self.counted_as
        return cached_by_keys(
            f"count:{name}", keys, lambda: Paginator.count.func(self), lambda n: shared_max_age()
        )

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        page_ids = self.object_list.values("pk")[bottom:top]
        return self._get_page(self.object_list.filter(pk__in=page_ids), number, self)
