"""How the domain apps contribute to pages and jobs they do not own, without importing
each other: each app may provide a module with known function names, collected here.

- `<app>/panels.py`: `home_panel(request)` and `community_panel(request, community)` return
  a Panel (a template and its context) or None. Each panel costs a fixed number of queries.
  `community_panel` and `session_panel` get the community as `community_for` returns it and
  return None when its `.membership` is None: pages public to non-members (an open
  community's sessions, a leader passing by) never show them what the members wrote.
- `<app>/demo.py`: `seed(people)` for seed_demo (see accounts/management/commands/seed_demo.py).
- `<app>/digest.py`: `digest_sections(members, period)` for the digest email.
"""

from __future__ import annotations

import importlib
import importlib.util
from dataclasses import dataclass, field
from typing import Any

# The order in which the apps' panels appear on a page.
APPS = ["communities", "sessions", "outcomes", "reviews", "reflections"]
# Modules outside the apps that run after them: the dashboard's demo history builds on
# every app's demo content.
EXTRA_MODULES = {"demo": ["copsite.dashboard.demo"]}


@dataclass
class Panel:
    template: str
    context: dict[str, Any] = field(default_factory=dict)
    order: int = 50


def app_modules(module_name: str):
    for app in APPS:
        name = f"{app}.{module_name}"
        if importlib.util.find_spec(name) is not None:
            yield importlib.import_module(name)
    for name in EXTRA_MODULES.get(module_name, []):
        yield importlib.import_module(name)


def collect_panels(function_name: str, *args) -> list[Panel]:
    panels = []
    for module in app_modules("panels"):
        function = getattr(module, function_name, None)
        if function is not None and (panel := function(*args)) is not None:
            panels.append(panel)
    return sorted(panels, key=lambda panel: panel.order)
