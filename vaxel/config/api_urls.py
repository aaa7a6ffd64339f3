from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView

from vaxel.access.api import Me
from vaxel.audit.api import ChangeList
from vaxel.availability.api import NextOpening, OpeningHours, PersonAbsences, PersonAbsencesClear
from vaxel.availability.people_api import PersonDetail, PersonList, Search, UnitDetail, UnitList
from vaxel.compliance.api import ComplianceReport
from vaxel.directory.api import NumberDetail, NumberList, SharedNumberCreate
from vaxel.messaging.api import MessageDetail, MessageList, MessageStep
from vaxel.routing.api import Route
from vaxel.servicelevels.api import ServiceLevelReport
from vaxel.telephony.api import CallDetail, CallEvents, CallHangUp, CallList

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("redoc/", SpectacularRedocView.as_view(url_name="api-schema"), name="api-redoc"),
    path("me/", Me.as_view(), name="api-me"),
    path("search/", Search.as_view(), name="api-search"),
    path("units/", UnitList.as_view(), name="api-units"),
    path("units/<id:pk>/", UnitDetail.as_view(), name="api-unit"),
    path("people/", PersonList.as_view(), name="api-people"),
    path("people/<id:pk>/", PersonDetail.as_view(), name="api-person"),
    path("people/<id:pk>/absences/", PersonAbsences.as_view(), name="api-person-absences"),
    path("people/<id:pk>/absences/clear/", PersonAbsencesClear.as_view(), name="api-person-absences-clear"),
    path("numbers/", NumberList.as_view(), name="api-numbers"),
    path("numbers/shared/", SharedNumberCreate.as_view(), name="api-shared-numbers"),
    path("numbers/<id:pk>/", NumberDetail.as_view(), name="api-number"),
    path("opening-hours/", OpeningHours.as_view(), name="api-opening-hours"),
    path("opening-hours/next/", NextOpening.as_view(), name="api-next-opening"),
    path("route/", Route.as_view(), name="api-route"),
    path("calls/", CallList.as_view(), name="api-calls"),
    path("calls/<id:pk>/", CallDetail.as_view(), name="api-call"),
    path("calls/<id:pk>/hang-up/", CallHangUp.as_view(), name="api-call-hang-up"),
    path("call-events/", CallEvents.as_view(), name="api-call-events"),
    path("reports/compliance/", ComplianceReport.as_view(), name="api-report-compliance"),
    path("reports/service-level/", ServiceLevelReport.as_view(), name="api-report-service-level"),
    path("changes/", ChangeList.as_view(), name="api-changes"),
    path("messages/", MessageList.as_view(), name="api-messages"),
    path("messages/<id:pk>/", MessageDetail.as_view(), name="api-message"),
    path("messages/<id:pk>/steps/", MessageStep.as_view(), name="api-message-steps"),
]
