"""The send-time renderers: each turns queued outbox rows of one kind into messages."""
