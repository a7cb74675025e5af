"""Registration: tickets sent to the registry (a signed webhook or the registrator's
mailbox) when created or closed, through the outbox (``sender``)."""
