"""Settings of the site: SQLite in a file of the test's tmp dir, django-scim2 configured per its README."""

from __future__ import annotations

import os

SECRET_KEY = "django-scim2-conformance-test-site"
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
USE_TZ = True
INSTALLED_APPS = ["django.contrib.contenttypes", "django.contrib.auth", "django_scim", "djangosite"]
AUTH_USER_MODEL = "djangosite.User"
MIDDLEWARE = ["djangosite.auth.BearerTokenMiddleware", "django_scim.middleware.SCIMAuthCheckMiddleware"]
ROOT_URLCONF = "djangosite.urls"
DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": os.environ["DJANGOSITE_DB"]}}
DEFAULT_AUTO_FIELD = "django.db.models.AutoField"
SCIM_SERVICE_PROVIDER = {
    "SCHEME": "http",
    "NETLOC": os.environ["DJANGOSITE_NETLOC"],
    "GROUP_MODEL": "djangosite.models.Group",
    "AUTHENTICATION_SCHEMES": [
        {
            "type": "oauthbearertoken",
            "name": "OAuth Bearer Token",
            "description": "Authentication scheme using the OAuth Bearer Token Standard",
        }
    ],
}
LOGGING = {"version": 1, "disable_existing_loggers": False, "root": {"level": "WARNING"}}
