"""detente: a two-sided workspace for partnerships whose parties want different things."""

__version__ = "0.1.0"
