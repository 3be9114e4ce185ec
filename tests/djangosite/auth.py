"""Bearer-token login for the service account: django-scim2 leaves authentication to the site."""

from __future__ import annotations

import os
from collections.abc import Callable

from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest, HttpResponse

SERVICE_ACCOUNT = "okta-service-account"


class BearerTokenMiddleware:
    """``Authorization: Bearer <DJANGOSITE_TOKEN>`` logs the service account in; else anonymous."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.expected = f"Bearer {os.environ['DJANGOSITE_TOKEN']}"

    def __call__(self, request: HttpRequest) -> HttpResponse:
        from .models import User

        if request.headers.get("Authorization") == self.expected:
            request.user = User.objects.get(username=SERVICE_ACCOUNT)
        else:
            request.user = AnonymousUser()
        return self.get_response(request)
