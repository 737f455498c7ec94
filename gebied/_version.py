"""The installed version of gebied, from the package metadata."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("gebied")
except PackageNotFoundError:  # a source tree that was never installed
    __version__ = "0+onbekend"
