"""E-mail: composing messages from templates and delivering the outbox (SMTP or captured)."""
