from rest_framework import filters
from rest_framework.exceptions import ValidationError

MAX_SEARCH_TERMS = 10


class SearchFilter(filters.SearchFilter):
    """DRF's search, refusing queries with more words than any person types."""

    def get_search_terms(self, request):
        terms = super().get_search_terms(request)
        if len(terms) > MAX_SEARCH_TERMS:
            raise ValidationError({self.search_param: [f"Use at most {MAX_SEARCH_TERMS} search words."]})
        return terms
