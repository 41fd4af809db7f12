"""A real OpenID Connect provider for the single sign-on tests: allauth's own
(`allauth.idp.oidc`) in a tiny Django project, run as a second local process by
tests/sso/conftest.py with its own SQLite database."""
