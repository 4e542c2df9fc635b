"""What the agent records while the timer runs: time entries, activity slots, app spans, idle
time and screenshots, into the journal."""
