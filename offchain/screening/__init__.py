"""Fast screening of many accounts (numpy float64): SAFE / CHECK / UNDER, never SAFE for a liquidatable account."""
