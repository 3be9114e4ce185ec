"""Repository-level pytest configuration.

The scim-conformance plugin itself is registered through the ``pytest11`` entry
point of the installed package, so it is not listed here (listing it twice makes
pluggy refuse the second registration).
"""

# Benchmarks are scripts that print figures, not tests.
collect_ignore = ["bench"]
