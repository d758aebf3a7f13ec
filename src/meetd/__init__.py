"""meetd: a self-hosted control plane that speaks the RealtimeKit meetings API."""

__version__ = "0.1.0"
