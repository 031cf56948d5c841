"""The outbox: claiming and recording rows, the sender, and the send-time renderers."""
