"""The employee's side of the agent: a tray icon, or a small window, with Tk dialogs.

Only `worklens-agent ui` imports this package's Tk and pystray modules (lazily), so the tracker
and the other commands never load a GUI toolkit. `model` holds the logic and imports neither.
"""
