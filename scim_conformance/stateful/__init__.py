"""Okta's operations in random order, checked against a plain model after every step (STYLE Lesson 9).

:class:`ProvisioningMachine` is a hypothesis ``RuleBasedStateMachine`` whose
rules are what Okta does under one client profile (CONTRACT §2, §3), with the
request shapes of okta-requests.md: create a user (lookup, then POST), push a
profile update, deactivate, reactivate, look a user or group up, import, push a
group, add, remove or push its members, rename it, delete it. :class:`Model` is
plain dicts: what Okta set on each user and whether it is active, each group's
name and members, the groups deleted. After every step the invariants GET every
resource from the target and compare it with the model.

Every request goes through the test's :class:`~scim_conformance.probe.Probe`: a
mismatch is a finding of check ``stateful.model`` with the severity of its kind,
and every created resource is tracked for cleanup. Each run of the machine (one
hypothesis example) has a fresh marker, so no name is taken twice on a target
that keeps its users. A failure shrinks to a minimal sequence of rules; its
notes list that final run's requests step by step, and :func:`run_machine`
saves them as JSON lines in the request-log format (docs/request-log.md) that
the replay command reads.

Shrinking: every rule can run in every state (the first user and group are
created by ``@initialize`` rules, bundles are never consumed, the one
``@precondition`` only ever turns true), and a rule with nothing to act on
sends nothing, as Okta would. Hypothesis picks each step's rule by rejection
sampling among the runnable ones, so a precondition that turns false again (a
consumed bundle, an "imported already" flag) lets a step the shrinker deletes
change which rule a later step draws: shrunk sequences then keep steps they do
not need.

Okta's requests are sent by the run's :class:`~scim_conformance.okta.OktaClient`
and answers judged by :mod:`scim_conformance.checks`, as in every other driver.

Modules: ``operations`` (the kinds of mismatch, and which of Okta's operations
each rule is), ``model``, ``logins`` (neighbouring logins), ``steps`` (requests,
findings and the failure report of one run), ``machine`` (the rules and
invariants), ``report`` (a failing sequence as text and as request-log lines),
``runner``.
"""

from .machine import ProvisioningMachine
from .model import Model
from .operations import CHECK
from .report import request_log_line
from .runner import machine_for, run_machine

__all__ = ["CHECK", "Model", "ProvisioningMachine", "machine_for", "request_log_line", "run_machine"]
