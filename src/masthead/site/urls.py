from django.urls import path, re_path

from . import views

app_name = "site"

YEAR, MONTH, DAY = r"(?P<year>\d{4})", r"(?P<month>\d{2})", r"(?P<day>\d{2})"

urlpatterns = [
    path("", views.home, name="home"),
    path("section/<slug:slug>/", views.section, name="section"),
    path("tag/<slug:slug>/", views.tag, name="tag"),
    path("author/<slug:slug>/", views.author, name="author"),
    re_path(rf"^{YEAR}/$", views.date_archive, name="year"),
    re_path(rf"^{YEAR}/{MONTH}/$", views.date_archive, name="month"),
    re_path(rf"^{YEAR}/{MONTH}/{DAY}/$", views.date_archive, name="day"),
    re_path(rf"^{YEAR}/{MONTH}/{DAY}/(?P<slug>[-\w]+)/$", views.article, name="article"),
    # Static pages answer at the top level (/about/, /privacy-policy/), as WordPress's do;
    # keep this last so it never shadows anything above.
    path("<slug:slug>/", views.page, name="page"),
]
