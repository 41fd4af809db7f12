"""core.plugins finds the contributing apps through settings, never by naming them itself."""

from __future__ import annotations

from core.plugins import app_modules


def test_app_modules_follow_settings_plugin_apps_order_and_skip_apps_without_the_module(
    settings,
):
    settings.PLUGIN_APPS = ["reflections", "accounts", "communities"]
    settings.PLUGIN_EXTRA_MODULES = {}

    names = [module.__name__ for module in app_modules("panels")]

    # accounts has no panels module, so it contributes none.
    assert names == ["reflections.panels", "communities.panels"]


def test_app_modules_add_the_extra_modules_for_their_kind_only(settings):
    settings.PLUGIN_APPS = ["communities"]
    settings.PLUGIN_EXTRA_MODULES = {"demo": ["accounts.demo"]}

    demo = [module.__name__ for module in app_modules("demo")]
    panels = [module.__name__ for module in app_modules("panels")]

    assert demo == ["communities.demo", "accounts.demo"]
    assert panels == ["communities.panels"]
