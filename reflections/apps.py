from django.apps import AppConfig


class ReflectionsConfig(AppConfig):
    name = "reflections"

    def ready(self):
        from core.plugins import register_link

        from . import (
            checklists,
            engagement,  # noqa: F401 -- registers the reflections_shared signal.
            search,
        )

        # Sessions invite people to reflect on a session (its page and email) through this.
        register_link("reflect", "reflections:new")
        # Steps of communities' checklists (first steps, setup).
        checklists.register()
        # What search finds of reflections (core.plugins.register_search).
        search.register()
