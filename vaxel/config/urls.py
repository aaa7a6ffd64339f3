from django.contrib import admin
from django.urls import include, path

from vaxel.routing.views import status

urlpatterns = [
    path("", status, name="status"),
    path("admin/", admin.site.urls),
    path("api/v1/", include("vaxel.config.api_urls")),
]
