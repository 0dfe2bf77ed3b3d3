"""Tools for the people who run govdesk, not for the desk: load and invariant checks."""
