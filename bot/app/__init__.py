"""The composition root: the application, its worker (jobs, lease), the webhook server."""
