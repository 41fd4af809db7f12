"""The bottom layer: what every app may use and nothing below it provides.

core imports no app of this site (accounts, communities, … or copsite): a lower layer that
needs something from a higher one asks the registry in core.plugins, which reads the list
of contributing apps from settings.
"""
