"""django-scim2's URLs under /scim/v2/, as in its README."""

from django.urls import include, path

urlpatterns = [path("scim/v2/", include("django_scim.urls", namespace="scim"))]
