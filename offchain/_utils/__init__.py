"""Private helpers shared by the exact engine. Not a public API."""
