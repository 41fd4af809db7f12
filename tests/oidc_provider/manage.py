"""Run the test OpenID provider: `python -m tests.oidc_provider.manage runserver …` from
the repository's root, with OIDC_PROVIDER_DB naming its SQLite file."""

import os
import sys

if __name__ == "__main__":
    os.environ["DJANGO_SETTINGS_MODULE"] = "tests.oidc_provider.settings"
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)
