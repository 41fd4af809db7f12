from django.apps import AppConfig


class OutcomesConfig(AppConfig):
    name = "outcomes"

    def ready(self):
        from . import checklists

        # "Propose a first outcome" in a new community's setup checklist.
        checklists.register()
