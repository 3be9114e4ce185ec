"""Shared configuration of the harness's own tests."""

# pytester runs the suites (and small made-up test files) in a fresh pytest session.
pytest_plugins = ["pytester"]
