"""Comment threads on records: a joint thread every member of the alliance reads, and an
internal thread per side that only that side reads. See docs/notifications.md."""
