from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path
from django.views.static import serve

urlpatterns = [
    path("admin/", admin.site.urls),
    # Uploaded images. A big site puts a web server or CDN in front of /media/; a small one
    # is served here so the box works on its own.
    re_path(r"^media/(?P<path>.*)$", serve, {"document_root": settings.MEDIA_ROOT}),
    path("", include("masthead.comments.urls")),
    path("", include("masthead.consent.urls")),
    path("", include("masthead.discovery.urls")),
    # The public site last: its static pages answer at /<slug>/.
    path("", include("masthead.site.urls")),
]

handler404 = "masthead.site.views.not_found"
handler500 = "masthead.site.views.server_error"
