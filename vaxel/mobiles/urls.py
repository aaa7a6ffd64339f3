from django.urls import path

from vaxel.mobiles import views

urlpatterns = [
    path("", views.registry, name="mobiles"),
    path("<id:pk>/", views.mobile_history, name="mobile"),
    path("borttappad/", views.report_for_caller, name="mobile-lost-for-caller"),
]
