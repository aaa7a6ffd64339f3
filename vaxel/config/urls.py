from django.contrib import admin
from django.urls import path

from vaxel.routing.views import status

urlpatterns = [
    path("", status, name="status"),
    path("admin/", admin.site.urls),
]
