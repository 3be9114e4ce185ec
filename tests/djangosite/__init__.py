"""A Django site serving django-scim2 (PyPI) as its README sets it up: the second independent SCIM server.

``tests/slow/test_django_scim2.py`` serves it on loopback with :mod:`djangosite.serve`
and runs the suites against it. Nothing here changes how django-scim2 answers: the
site only supplies what the library leaves to its integrator — a user and a group
model with its SCIM mixins, URL routing, and a middleware that logs the service
account in from its bearer token (django-scim2 expects "a prior middleware" to do it).
"""
