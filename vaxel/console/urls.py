from django.urls import path

from vaxel.console import views

urlpatterns = [
    path("", views.console, name="console"),
    path("ko/", views.queue, name="console-queue"),
    path("status/", views.state, name="console-state"),
    path("sok/", views.search, name="console-search"),
    path("enhet/<id:pk>/", views.unit, name="console-unit"),
    path("andringar/", views.changes, name="console-feed"),
    path("samtal/<id:pk>/rostmeddelande/", views.voice_message, name="console-voice-message"),
    path("samtal/<id:pk>/<str:action>/", views.call_action, name="console-call"),
    path("franvaro/", views.absence, name="console-absence"),
    path("meddelande/", views.message, name="console-message"),
    path("handelser/", views.events, name="console-events"),
    path("telefon/", views.telephone, name="console-telephone"),
]
