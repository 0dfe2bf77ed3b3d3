"""govdesk — the district government office's desk in a terminal."""

__version__ = "0.1.0"
