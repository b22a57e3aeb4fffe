"""SummitWatch: a monitor of Central Asian diplomacy."""

__version__ = "0.1.0"
