"""sns_desk: the city's social-media guideline put into daily practice."""

__version__ = "0.1.0"
