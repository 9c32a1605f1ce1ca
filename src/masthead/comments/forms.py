"""The "Leave a Comment" form, with WordPress's field names (comment, author, email, url,
comment_parent) so browsers' autofill and readers' habits work."""

import re

from django import forms
from django.core.validators import URLValidator

from masthead.site.safe_urls import validate_safe_url

from .models import MAX_COMMENT_LENGTH, Comment, DiscussionSettings

# Control characters other than tab and newlines mean binary data, not text. U+FFFD is what a
# non-UTF-8 byte becomes when Django decodes the request.
NOT_TEXT_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffd]")
NOT_TEXT_MESSAGE = "This contains characters that are not text (binary data, or not UTF-8)."
HONEYPOT_FIELD = "mh_leave_empty"
SAVE_DETAILS_FIELD = "wp-comment-cookies-consent"


class TextOnlyMixin:
    def clean_text_field(self, name):
        value = self.cleaned_data.get(name, "")
        if value and NOT_TEXT_RE.search(value):
            raise forms.ValidationError(NOT_TEXT_MESSAGE)
        return value


class CommentForm(TextOnlyMixin, forms.Form):
    comment = forms.CharField(
        label="Comment", widget=forms.Textarea(attrs={"rows": 8, "maxlength": MAX_COMMENT_LENGTH}),
        max_length=MAX_COMMENT_LENGTH, strip=True,
        error_messages={
            "required": "Please type your comment.",
            "max_length": f"Your comment is too long: keep it under {MAX_COMMENT_LENGTH:,} "
                          "characters (it has %(show_value)d).",
        },
    )
    author = forms.CharField(label="Name", max_length=245, required=False,
                             widget=forms.TextInput(attrs={"autocomplete": "name"}))
    email = forms.EmailField(label="Email", max_length=254, required=False,
                             error_messages={"invalid": "Please enter a valid email address."},
                             widget=forms.EmailInput(attrs={"autocomplete": "email"}))
    url = forms.URLField(label="Website", max_length=500, required=False, assume_scheme="https",
                         error_messages={"invalid": "Please enter a valid web address, such as "
                                                    "https://example.org/."},
                         widget=forms.URLInput(attrs={"autocomplete": "url"}))
    comment_parent = forms.IntegerField(required=False, min_value=0, widget=forms.HiddenInput,
                                        error_messages={"invalid": "The reply-to is not valid."})

    def __init__(self, *args, article, discussion_settings: DiscussionSettings, **kwargs):
        super().__init__(*args, **kwargs)
        # WordPress's name for "Save my name, email, and website in this browser ...".
        self.fields[SAVE_DETAILS_FIELD] = forms.BooleanField(required=False)
        self.article = article
        self.discussion_settings = discussion_settings
        if discussion_settings.require_name_email:
            self.fields["author"].required = True
            self.fields["email"].required = True
        self.fields["author"].error_messages["required"] = "Please enter your name."
        self.fields["email"].error_messages["required"] = "Please enter your email address."

    def clean_comment(self):
        text = self.clean_text_field("comment")
        if text and not text.strip():
            raise forms.ValidationError("Please type your comment.")
        return text

    def clean_author(self):
        return self.clean_text_field("author").strip()

    def clean_email(self):
        return self.clean_text_field("email").lower()

    def clean_url(self):
        url = self.clean_text_field("url")
        if url:
            URLValidator(schemes=["http", "https"])(url)
            validate_safe_url(url)
        return url

    def clean_comment_parent(self):
        parent_id = self.cleaned_data.get("comment_parent") or 0
        if not parent_id:
            return None
        parent = (Comment.objects.filter(pk=parent_id).only("pk", "article_id", "status").first())
        if parent is None or parent.status != Comment.Status.APPROVED:
            raise forms.ValidationError(
                "The comment you are replying to is not there any more (it may have been removed)."
            )
        if parent.article_id != self.article.pk:
            raise forms.ValidationError("You can only reply to a comment on this article.")
        return parent
