"""The record core every capability builds on: the visibility rule (``visibility``), the
alliance, its sides and the record base (``models``), the record form (``forms``), saving and
deleting with an audit entry (``services``), what the JSON routes share (``api``), and the
reading of the audit log (``audit_reading``). It imports no capability app."""
