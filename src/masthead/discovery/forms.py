"""The search page's form: what a reader may ask for, checked before anything is searched."""

import datetime

from django import forms
from django.utils import timezone

from masthead.newsroom.models import Author, Section

MAX_PAGE = 10_000


class SearchForm(forms.Form):
    q = forms.CharField(label="Search for", required=False, strip=True)
    section = forms.ModelChoiceField(
        Section.objects.select_related("parent"), to_field_name="slug", required=False,
        empty_label="All sections", label="Section",
        error_messages={"invalid_choice": "There is no such section."},
    )
    author = forms.ModelChoiceField(
        Author.objects.all(), to_field_name="slug", required=False, empty_label="Any author",
        label="Author", error_messages={"invalid_choice": "There is no such author."},
    )
    since = forms.DateField(label="From", required=False,
                            widget=forms.DateInput(attrs={"type": "date"}),
                            error_messages={"invalid": "Give the date as YYYY-MM-DD."})
    until = forms.DateField(label="To", required=False,
                            widget=forms.DateInput(attrs={"type": "date"}),
                            error_messages={"invalid": "Give the date as YYYY-MM-DD."})
    sort = forms.ChoiceField(choices=[("relevance", "Best match"), ("newest", "Newest first")],
                             required=False, label="Order")
    page = forms.IntegerField(min_value=1, max_value=MAX_PAGE, required=False,
                              widget=forms.HiddenInput)

    def clean(self):
        data = super().clean()
        since, until = data.get("since"), data.get("until")
        if since and until and since > until:
            self.add_error("until", "The end date comes before the start date.")
        if until and until >= datetime.date.max:  # "to the end of that day" would overflow
            self.add_error("until", "Give a date before the year 9999 ends.")
        return data

    def filters(self) -> dict:
        """Keyword arguments for site_search.search from the cleaned data."""
        data = self.cleaned_data
        tz = timezone.get_current_timezone()

        def start_of(day):
            return datetime.datetime.combine(day, datetime.time.min, tzinfo=tz)

        return {
            "section_id": data["section"].pk if data.get("section") else None,
            "author_id": data["author"].pk if data.get("author") else None,
            "since": start_of(data["since"]) if data.get("since") else None,
            # "To 3 May" includes the whole of 3 May.
            "until": start_of(data["until"] + datetime.timedelta(days=1))
            if data.get("until") else None,
            "sort": data.get("sort") or "relevance",
            "page": data.get("page") or 1,
        }
