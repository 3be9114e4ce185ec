"""``python -m scim_conformance``: the same command as the ``scim-conformance`` script."""

from __future__ import annotations

import sys

from .cli import main

if __name__ == "__main__":
    sys.exit(main())
