from django.urls import path

from . import views

app_name = "comments"

urlpatterns = [
    path("comments/post/<int:article_id>/", views.post_comment, name="post"),
    path("comments/token/", views.form_token, name="token"),
    path("comments/<int:comment_id>/", views.comment_permalink, name="permalink"),
    path("comments/<int:comment_id>/report/", views.report_comment, name="report"),
    path("comments/<int:comment_id>/edit/", views.edit_comment, name="edit"),
    path("comments/replies/confirm/<str:token>/", views.confirm_replies, name="replies_confirm"),
    path(
        "comments/replies/unsubscribe/<str:token>/",
        views.unsubscribe_replies,
        name="replies_unsubscribe",
    ),
]
