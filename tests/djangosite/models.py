"""The user and group models, with django-scim2's mixins (its README: "add the mixins to your models")."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django_scim.models import AbstractSCIMGroupMixin, AbstractSCIMUserMixin


class Group(AbstractSCIMGroupMixin):
    # The default group adapter reads ``name`` and the members through ``user_set``.
    name = models.CharField(max_length=254)

    class Meta:
        app_label = "djangosite"


class User(AbstractSCIMUserMixin, AbstractUser):
    # The default user adapter reads a user's groups through ``scim_groups``; the
    # reverse accessor ``user_set`` is what the group adapter reads.
    scim_groups = models.ManyToManyField(Group, related_name="user_set", blank=True)

    class Meta:
        app_label = "djangosite"
