from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.utils.translation import gettext_lazy
from django.views import defaults

from vaxel.access.oidc import sso_callback, sso_start
from vaxel.access.views import language_choose, start
from vaxel.accessibility.views import statement
from vaxel.calendars.views import my_calendar
from vaxel.core.api import api_or_page_error
from vaxel.messaging.views import message_open, my_messages
from vaxel.mobiles.views import my_mobile_page
from vaxel.routing.views import status
from vaxel.selfservice.my_page import my_status
from vaxel.selfservice.my_units import my_units
from vaxel.servicelevels import views as statistics
from vaxel.telephony import views as pbx_views

urlpatterns = [
    path("", status, name="status"),
    path("admin/", admin.site.urls),
    path("login/", auth_views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("start/", start, name="start"),
    path("sprak/", language_choose, name="language"),
    path("tillganglighet/", statement, name="accessibility"),
    path("oidc/authenticate/", sso_start, name="oidc_authentication_init"),
    path("oidc/callback/", sso_callback, name="oidc_authentication_callback"),
    path("konsol/", include("vaxel.console.urls")),
    path("min-sida/", my_status, name="my-status"),
    path("min-sida/kalender/", my_calendar, name="my-calendar"),
    path("min-sida/mobil/", my_mobile_page, name="my-mobile"),
    path("mobiler/", include("vaxel.mobiles.urls")),
    path("katalog/", include("vaxel.directory.urls")),
    path("scim/v2/", include("vaxel.directory.scim_urls")),
    path("min-sida/enheter/", my_units, name="my-units"),
    path("min-sida/enheter/<id:pk>/", my_units, name="my-unit"),
    path("min-sida/statistik/", statistics.dashboard, name="statistics"),
    path("min-sida/statistik/rapport.csv", statistics.report_download, name="statistics-report"),
    path("min-sida/statistik/<slug:slug>.<str:fmt>", statistics.chart, name="statistics-chart"),
    path("messages/", my_messages, name="my-messages"),
    path("messages/open/<str:token>/", message_open, name="message-open"),
    path("api/v1/", include("vaxel.config.api_urls")),
    path("pbx/route/", pbx_views.route, name="pbx-route"),
    path("pbx/prompts/<str:token>", pbx_views.prompt, name="pbx-prompt"),
]

# Under /api/ errors keep the API's JSON shape, also for paths no view matches.
handler404 = api_or_page_error(
    defaults.page_not_found,
    404,
    "not_found",
    gettext_lazy("There is nothing at this address; check the path."),
)
handler400 = api_or_page_error(  # a body larger than DATA_UPLOAD_MAX_MEMORY_SIZE, among others
    defaults.bad_request,
    400,
    "bad_request",
    gettext_lazy("The request could not be read: it is too large or malformed. Send less, as JSON."),
)
handler500 = api_or_page_error(
    defaults.server_error,
    500,
    "server_error",
    gettext_lazy("Something went wrong on the server; it has been logged."),
)
