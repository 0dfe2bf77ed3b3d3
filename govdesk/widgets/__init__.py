"""Reusable Textual pieces; none of them writes to the database."""
