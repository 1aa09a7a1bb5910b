"""Start-up wiring: what higher layers tell lower ones, in one explicit place.

A lower layer never imports a higher one (``make lint`` checks it). Where the lower one needs something
only a higher one knows, it offers a registration function, and every process that serves or writes
calls :func:`wire` once at start-up (``create_app``, the ``kanbo`` command).
"""

from __future__ import annotations

from kanbo.accounts.service import register_provisioner
from kanbo.custom_fields.predefined import create_predefined_fields
from kanbo.events.repository import register_note_loader
from kanbo.notes.embed import embedded_notes
from kanbo.pipelines.service import create_default_pipeline


def wire() -> None:
    """Idempotent."""
    register_provisioner(create_default_pipeline)  # a new account gets its main pipeline
    register_provisioner(create_predefined_fields)  # and the predefined contact/company fields
    register_note_loader(embedded_notes)  # the events log embeds notes (with=note)
