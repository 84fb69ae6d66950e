"""One module per ``gridmargin`` command: math, demo, margin, scenarios."""
