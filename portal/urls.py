from django.contrib import admin
from django.urls import include, path

from accounts.views.pages import landing

urlpatterns = [
    path("", landing, name="home"),
    path("accounts/", include("allauth.urls")),
    path("admin/", admin.site.urls),
    path("", include("accounts.urls")),
    path("", include("applications.urls")),
]
