"""The WorkLens desktop agent: records time and, within the company's policy, activity levels."""

from importlib import metadata

try:
    __version__ = metadata.version("worklens-agent")
except metadata.PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0"
