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
