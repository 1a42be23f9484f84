"""Notifications: one inbox per person (the bell), email (one by one or a daily digest) and
outgoing webhooks per side, for the events that need someone. See docs/notifications.md."""
