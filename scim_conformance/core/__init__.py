"""The shared vocabulary: modules that import nothing else of the package.

Both the harness and the reference server (``scim_conformance.server``) may
import from here; nothing here imports either.
"""
