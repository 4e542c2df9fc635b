"""The computer around the agent: its data directory, start at login, the display, device facts,
memory, and native libraries (libwebp, python-xlib's error table)."""
