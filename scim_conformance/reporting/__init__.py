"""Report writers beyond pytest's own (pytest-html and JUnit XML come from pytest)."""
