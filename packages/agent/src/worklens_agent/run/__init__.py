"""`worklens-agent run`: the agent's long-running process (runner.py), its threads and the child
processes it starts (the tray or window, the idle dialog)."""
