from django.apps import AppConfig


class OutcomesConfig(AppConfig):
    name = "outcomes"

    def ready(self):
        from . import checklists, search

        # "Propose a first outcome" in a new community's setup checklist.
        checklists.register()
        # What search finds of outcomes (core.plugins.register_search).
        search.register()
