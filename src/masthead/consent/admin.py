"""Consent and privacy in the admin, for administrators only: the settings, categories and
snippets; the consent log with its CSV export; and the readers' data tools (export, erase)."""

import csv

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.options import IncorrectLookupParameters
from django.db import transaction
from django.http import (
    FileResponse,
    Http404,
    HttpResponseRedirect,
    StreamingHttpResponse,
)
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html

from masthead.newsroom import roles

from . import personal_data
from .exports import build_privacy_export, download_name, export_file
from .models import Category, ConsentRecord, ConsentSettings, PrivacyRequest, Snippet


class AdministratorsOnly(roles.RoleAdminMixin):
    """Consent and readers' data are the administrators' business (as site settings are)."""

    role_policy = roles.site_managers_policy


@admin.register(ConsentSettings)
class ConsentSettingsAdmin(AdministratorsOnly, admin.ModelAdmin):
    fieldsets = [
        ("Banner", {"fields": ["mode", "banner_text", "policy_page_slug", "policy_version"]}),
        ("Google tags", {"fields": ["google_consent_mode"]}),
        ("Retention", {"fields": ["choice_max_age_days", "log_retention_days",
                                  "comment_ip_retention_days"]}),
    ]

    def has_add_permission(self, request):
        return False  # one row, created from the defaults when first opened

    def has_delete_permission(self, request, obj=None):
        return False

    def changelist_view(self, request, extra_context=None):
        settings_row = ConsentSettings.objects.order_by("pk").first()
        if settings_row is None:
            settings_row = ConsentSettings.defaults()
            settings_row.save()
        return redirect("admin:consent_consentsettings_change", settings_row.pk)


@admin.register(Category)
class CategoryAdmin(AdministratorsOnly, admin.ModelAdmin):
    list_display = ["name", "key", "necessary", "refused_by_gpc", "position"]
    list_editable = ["position"]
    readonly_fields = ["necessary"]

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and obj.necessary:
            return ["key", "necessary", "refused_by_gpc"]
        return self.readonly_fields

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.necessary:
            return False
        return super().has_delete_permission(request, obj)


@admin.register(Snippet)
class SnippetAdmin(AdministratorsOnly, admin.ModelAdmin):
    list_display = ["name", "category", "placement", "enabled", "provider", "position"]
    list_filter = ["category", "placement", "enabled"]
    list_editable = ["enabled", "position"]
    readonly_fields = ["loads_from", "inert_preview"]
    fields = ["name", "category", "code", "placement", "enabled", "provider", "cookies",
              "position", "loads_from", "inert_preview"]

    @admin.display(description="loads from")
    def loads_from(self, obj):
        return ", ".join(obj.hosts) or "—"

    @admin.display(description="what pages carry (inert until consent)")
    def inert_preview(self, obj):
        if not obj.pk:
            return "Shown after saving."
        return format_html("<pre style='white-space:pre-wrap;max-width:60rem'>{}</pre>",
                           obj.inert_html)


def _csv_rows(queryset):
    class Echo:
        def write(self, value):
            return value

    writer = csv.writer(Echo())
    yield writer.writerow(["consent_id", "created_at", "action", "categories", "policy_version",
                           "mode", "gpc", "ip_truncated", "user_agent_sha256"])
    for r in queryset.order_by("created_at", "pk").iterator(chunk_size=2000):
        yield writer.writerow([r.consent_id, r.created_at.isoformat(), r.action,
                               " ".join(r.categories), r.policy_version, r.mode,
                               "1" if r.gpc else "0", r.ip_truncated, r.user_agent_hash])


def consent_log_csv(queryset) -> StreamingHttpResponse:
    response = StreamingHttpResponse(_csv_rows(queryset), content_type="text/csv; charset=utf-8")
    stamp = timezone.now().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="consent-log-{stamp}.csv"'
    return response


@admin.register(ConsentRecord)
class ConsentRecordAdmin(AdministratorsOnly, admin.ModelAdmin):
    list_display = ["created_at", "consent_id", "action", "granted", "policy_version", "gpc",
                    "ip_truncated"]
    list_filter = ["action", "policy_version", "gpc", "mode", "created_at"]
    search_fields = ["=consent_id"]
    date_hierarchy = "created_at"
    actions = ["export_csv"]
    change_list_template = "admin/consent/consentrecord/change_list.html"

    @admin.display(description="categories allowed")
    def granted(self, obj):
        return ", ".join(obj.categories) or "necessary only"

    def has_add_permission(self, request):
        return False  # proof is written by readers' choices only

    def has_change_permission(self, request, obj=None):
        return False

    @admin.action(description="Export the selected records as CSV")
    def export_csv(self, request, queryset):
        return consent_log_csv(queryset)

    def get_urls(self):
        return [
            path("export.csv", self.admin_site.admin_view(self.export_filtered),
                 name="consent_consentrecord_export"),
        ] + super().get_urls()

    def export_filtered(self, request):
        """Every record the change list shows with its current filters, as CSV."""
        if not self.has_view_permission(request):
            return HttpResponseRedirect(reverse("admin:index"))
        try:
            changelist = self.get_changelist_instance(request)
        except IncorrectLookupParameters:
            # A filter the list does not have (a hand-edited address): back to the list, as the
            # change list itself answers, rather than a 500.
            messages.error(request, "That export filter is not one the consent log has.")
            return HttpResponseRedirect(reverse("admin:consent_consentrecord_changelist"))
        return consent_log_csv(changelist.get_queryset(request))


class PrivacyToolForm(forms.Form):
    email = forms.EmailField(label="E-mail address")
    consent_ids = forms.CharField(
        label="Consent ids", required=False, widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Optional: the ids the reader quotes from their cookie settings, one a line. "
        "Consent records hold no e-mail address and are found only this way.",
    )
    delete_content = forms.BooleanField(
        label="Also delete what they wrote (erasure only)", required=False,
        help_text="Unticked, comments stay in their discussions without name, e-mail, website, "
        "IP address or user agent, as WordPress does.",
    )

    def clean_consent_ids(self):
        ids = [line.strip() for line in self.cleaned_data["consent_ids"].split() if line.strip()]
        try:
            personal_data.clean_request("reader@example.org", ids)
        except ValueError as exc:
            raise forms.ValidationError(str(exc))
        return ids


@admin.register(PrivacyRequest)
class PrivacyRequestAdmin(AdministratorsOnly, admin.ModelAdmin):
    list_display = ["created_at", "kind", "email", "requested_by", "download"]
    list_filter = ["kind"]
    search_fields = ["email"]
    readonly_fields = ["kind", "state", "email", "consent_ids", "created_at", "requested_by",
                       "summary", "download"]

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def add_view(self, request, form_url="", extra_context=None):
        return redirect("admin:consent_privacyrequest_tools")

    def get_urls(self):
        return [
            path("tools/", self.admin_site.admin_view(self.tools_view),
                 name="consent_privacyrequest_tools"),
            path("<int:pk>/download/", self.admin_site.admin_view(self.download_view),
                 name="consent_privacyrequest_download"),
        ] + super().get_urls()

    def tools_view(self, request):
        if not self.has_add_permission(request):
            return HttpResponseRedirect(reverse("admin:index"))
        form = PrivacyToolForm(request.POST or None)
        action = request.POST.get("action", "")
        context = {
            **self.admin_site.each_context(request), "form": form, "opts": self.model._meta,
            "title": "Export or erase a reader's personal data", "preview": None,
        }
        if request.method == "POST" and form.is_valid():
            email = form.cleaned_data["email"]
            ids = form.cleaned_data["consent_ids"]
            if action == "export":
                return self._export(request, email, ids)
            if action == "erase" and request.POST.get("confirmed") == "yes":
                return self._erase(request, email, ids, form.cleaned_data["delete_content"])
            if action == "erase":
                context["preview"] = personal_data.preview_erasure(email, ids)
        return TemplateResponse(request, "admin/consent/privacy_tools.html", context)

    def _export(self, request, email, ids):
        """Queue the export (a background job) and come back to the list, where it waits."""
        privacy_request = PrivacyRequest.objects.create(
            kind=PrivacyRequest.Kind.EXPORT, state=PrivacyRequest.State.PREPARING, email=email,
            consent_ids=ids, requested_by=request.user.get_username(),
        )
        transaction.on_commit(lambda: build_privacy_export.enqueue(privacy_request.pk))
        self.message_user(request, f"Preparing the export of {email}: reload this list in a few "
                                   "seconds for its Download link.", messages.SUCCESS)
        return redirect("admin:consent_privacyrequest_changelist")

    @admin.display(description="file")
    def download(self, obj):
        if obj.kind != PrivacyRequest.Kind.EXPORT:
            return ""
        if obj.state == PrivacyRequest.State.PREPARING:
            return "being prepared…"
        if not export_file(obj).exists():
            return ""  # an export from the command line, or one already deleted
        return format_html('<a href="{}">Download</a>',
                           reverse("admin:consent_privacyrequest_download", args=[obj.pk]))

    def download_view(self, request, pk):
        if not self.has_view_permission(request):
            return HttpResponseRedirect(reverse("admin:index"))
        privacy_request = get_object_or_404(PrivacyRequest, pk=pk, kind=PrivacyRequest.Kind.EXPORT)
        path = export_file(privacy_request)
        if privacy_request.state != PrivacyRequest.State.READY or not path.exists():
            raise Http404("This export is not ready, or its file was deleted.")
        return FileResponse(path.open("rb"), as_attachment=True,
                            filename=download_name(privacy_request),
                            content_type="application/json; charset=utf-8")

    def _erase(self, request, email, ids, delete_content):
        result = personal_data.erase_personal_data(email, ids, delete_content=delete_content)
        PrivacyRequest.objects.create(
            kind=PrivacyRequest.Kind.ERASE, email=email, consent_ids=ids,
            requested_by=request.user.get_username(), summary=result,
        )
        removed = sum(r["removed"] for r in result.values())
        anonymised = sum(r["anonymised"] for r in result.values())
        self.message_user(request, f"Erased the personal data of {email}: {removed} removed, "
                                   f"{anonymised} anonymised.", messages.SUCCESS)
        for r in result.values():
            for note in r["retained"]:
                self.message_user(request, note, messages.WARNING)
        return redirect("admin:consent_privacyrequest_changelist")
