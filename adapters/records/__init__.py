"""A ticket's public record as files: readable HTML and JSON (``render``), written for
``stodbot records export`` and attached to the registry's e-mail."""
