"""letters: batch Chinese demand letters and notices with a tamper-evident issue log."""

__version__ = "0.1.0"
