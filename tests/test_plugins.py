"""core.plugins finds the contributing apps through settings, never by naming them itself."""

from __future__ import annotations

from core.plugins import app_modules


def test_app_modules_follow_settings_plugin_apps_order_and_skip_apps_without_the_module(
    settings,
):
    settings.PLUGIN_APPS = ["reflections", "accounts", "communities"]

    names = [module.__name__ for module in app_modules("panels")]

    # accounts has no panels module, so it contributes none.
    assert names == ["reflections.panels", "communities.panels"]


def test_the_impact_demo_runs_after_every_other_apps_demo(settings):
    """impact's demo history reads every other app's demo content, so it comes last."""
    names = [module.__name__ for module in app_modules("demo")]

    assert names[-1] == "impact.demo"
    assert names[:-1] == [f"{app}.demo" for app in settings.PLUGIN_APPS[:-1]]


def test_link_for_reverses_the_page_registered_for_a_purpose_with_its_query():
    from core.plugins import link_for

    assert link_for("reflect", "maps") == "/c/maps/reflections/new/"
    assert link_for("reflect", "maps", session=7) == "/c/maps/reflections/new/?session=7"
    assert link_for("nothing registered", "maps") is None


def test_no_app_names_a_higher_apps_url_in_its_python_code(settings):
    """URL names are imports by another name: a lower app asks core.plugins instead."""
    import re
    from pathlib import Path

    layers = ["accounts", "communities", "outcomes", "sessions", "reviews", "reflections"]
    namespaces = {app: app for app in layers} | {"impact": "dashboard"}
    order = [*layers, "impact"]
    offenders = []
    for index, app in enumerate(order):
        higher = [namespaces[name] for name in order[index + 1 :]]
        if not higher:
            continue
        pattern = re.compile("[\"'](" + "|".join(higher) + ")" + ":[a-z_]+[\"']")
        for path in (Path(settings.BASE_DIR) / app).rglob("*.py"):
            if "migrations" not in path.parts and pattern.search(path.read_text()):
                offenders.append(str(path.relative_to(settings.BASE_DIR)))
    assert offenders == []
