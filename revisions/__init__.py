"""Revision counters that every change of what the API shows moves, kept by the database
itself (triggers), and the API's cache of rendered bodies keyed by them (``revisions.responses``)."""
