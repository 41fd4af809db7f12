"""The embedded default's broker: kombu's filesystem transport, in folders under var/broker/.

Settings import this (it needs nothing from Django), so a broken folder can never stop a
process from starting: it is described in one line instead. The web keeps serving (a
failed enqueue is logged and the scans find the work later); the worker waits for the
folder to be usable (copsite/celery.py) rather than exiting for good.
"""

from __future__ import annotations

import os
from pathlib import Path

FOLDERS = ("queue", "processed", "control")
# The transport ignores the host, but kombu warns "No hostname was supplied" every time it
# reads a URL without one (the web at each enqueue, the worker and beat at start): name one.
BROKER_URL = "filesystem://localhost//"


def broker_transport_options(broker_dir: Path) -> dict:
    return {
        "data_folder_in": str(broker_dir / "queue"),
        "data_folder_out": str(broker_dir / "queue"),
        "processed_folder": str(broker_dir / "processed"),
        "control_folder": str(broker_dir / "control"),
        "store_processed": False,
    }


def broker_folders_prepare(broker_dir: Path) -> str | None:
    """Create the broker's folders; one line saying what is wrong if they cannot be used."""
    for name in FOLDERS:
        folder = broker_dir / name
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            reason = error.strerror or str(error)
        else:
            usable = os.access(folder, os.R_OK | os.W_OK | os.X_OK)
            reason = None if usable else "Permission denied"
        if reason:
            return (
                f"The task broker's folder {broker_dir} cannot be used ({folder}: {reason}). "
                "The site keeps serving; email and other background work wait until it is "
                "fixed (see COPSITE_VAR_DIR)."
            )
    return None
