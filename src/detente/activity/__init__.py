"""The activity feed: what changed, per alliance and across a person's alliances, read from
the audit log through the visibility rule, with what is new since the person last looked."""
