from django.urls import path

from . import views

app_name = "comments"

urlpatterns = [
    path("comments/token/", views.token, name="token"),
    path("comments/post/", views.post_comment, name="post"),
    path("comments/reply/<int:pk>/", views.reply, name="reply"),
]
