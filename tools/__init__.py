"""Harnesses run from the command line, outside the importable apps: `python -m tools.bench`
(`make bench`) and `python -m tools.load` (`make load`). No app imports them."""
