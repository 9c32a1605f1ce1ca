from django.conf import settings
from django.contrib import admin
from django.http import Http404
from django.urls import include, path, re_path
from django.views.static import serve


def serve_media(request, path):
    try:
        return serve(request, path, document_root=settings.MEDIA_ROOT)
    except OSError:  # a name too long for the file system, say: there is no such file
        raise Http404("No such file.")


urlpatterns = [
    path("admin/", admin.site.urls),
    # Uploaded images. A big site puts a web server or CDN in front of /media/; a small one
    # is served here so the box works on its own.
    re_path(r"^media/(?P<path>.*)$", serve_media),
    path("", include("masthead.comments.urls")),
    path("", include("masthead.consent.urls")),
    path("", include("masthead.discovery.urls")),
    # The public site last: its static pages answer at /<slug>/.
    path("", include("masthead.site.urls")),
]

handler400 = "masthead.site.errors.bad_request"
handler403 = "masthead.site.errors.permission_denied"
handler404 = "masthead.site.errors.not_found"
handler500 = "masthead.site.errors.server_error"
