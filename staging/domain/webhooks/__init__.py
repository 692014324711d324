"""Where the plant's events go: signed webhooks with retries, a dead list and replay, and the plant's
MQTT broker. Everything reads the one outbox (staging/domain/events) through its feed."""
from . import delivery, signing, subscriptions, worker
from .delivery import Rules

__all__ = ["delivery", "signing", "subscriptions", "worker", "Rules"]
