from tests.oidc_provider.fixtures import oidc_provider  # noqa: F401 -- a fixture for these tests.
