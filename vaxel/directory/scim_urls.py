from django.urls import path

from vaxel.directory import scim

urlpatterns = [
    path("Users", scim.Users.as_view(), name="scim-users"),
    path("Users/<str:pk>", scim.UserDetail.as_view(), name="scim-user"),
    path("Groups", scim.Groups.as_view(), name="scim-groups"),
    path("Groups/<str:pk>", scim.GroupDetail.as_view(), name="scim-group"),
]
