"""The reference SCIM server: the Okta-to-Zentral contract, implemented exactly."""
