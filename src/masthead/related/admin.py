"""Editors' controls on the article form: pins, exclusions and the See also line.

The two inlines are registered on the newsroom's article form through its declared inline
registry (`masthead.newsroom.admin.article_inlines`, from RelatedConfig.ready()): the newsroom
does not need to know this app exists."""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError

from masthead.newsroom import roles

from .models import RelatedChoice, RelatedPin


def _same_story(article, other) -> bool:
    """Is `other` the article itself or one of its translations (never shown as related)?"""
    if article is None or other is None or article.pk is None:
        return False
    group = article.translation_of_id or article.pk
    return other.pk == article.pk or (other.translation_of_id or other.pk) == group


class RelatedChoiceForm(forms.ModelForm):
    class Meta:
        model = RelatedChoice
        fields = ["see_also", "see_also_article", "excluded"]

    def clean(self):
        data = super().clean()
        article = self.instance.article if self.instance.article_id else None
        chosen = data.get("see_also_article")
        if data.get("see_also") == RelatedChoice.SeeAlso.CHOSEN and not chosen:
            raise ValidationError({"see_also_article": "Choose the article the line points to."})
        if chosen is not None and _same_story(article, chosen):
            raise ValidationError(
                {"see_also_article": "Choose another story, not this one or a translation of it."})
        return data


class RelatedPinForm(forms.ModelForm):
    class Meta:
        model = RelatedPin
        fields = ["pinned", "position"]

    def clean_pinned(self):
        pinned = self.cleaned_data["pinned"]
        article = self.instance.article if self.instance.article_id else None
        if _same_story(article, pinned):
            raise ValidationError("Pin another story, not this one or a translation of it.")
        return pinned


class RelatedChoiceInline(roles.RoleAdminMixin, admin.StackedInline):
    role_policy = roles.desk_choices_policy  # editors decide what a story recommends
    model = RelatedChoice
    form = RelatedChoiceForm
    fk_name = "article"
    max_num = 1
    can_delete = False
    autocomplete_fields = ["see_also_article", "excluded"]
    verbose_name = verbose_name_plural = "Related articles: See also line and exclusions"


class RelatedPinInline(roles.RoleAdminMixin, admin.TabularInline):
    role_policy = roles.desk_choices_policy
    model = RelatedPin
    form = RelatedPinForm
    fk_name = "article"
    extra = 0
    autocomplete_fields = ["pinned"]
    verbose_name = "pinned article (top of “You may also like”)"
    verbose_name_plural = "Related articles: pinned"

