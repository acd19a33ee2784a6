"""Parlante core: everything that is not UI (writers, engines, library, jobs, pipeline)."""

__version__ = "0.1.0"
