from django.urls import path

from vaxel.directory import views

urlpatterns = [
    path("import/", views.upload, name="directory-upload"),
]
