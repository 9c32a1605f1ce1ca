from django.urls import path

from . import views

app_name = "consent"

urlpatterns = [
    path("consent/", views.choose, name="choose"),
    path("consent/state/", views.state, name="state"),
    path("consent/settings/", views.settings_page, name="settings"),
]
