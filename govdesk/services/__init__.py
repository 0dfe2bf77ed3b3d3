"""All rules and every write; pure Python, never imports the UI (a test proves it)."""
