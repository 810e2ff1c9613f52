"""Present: results shaped for people and programs.

``words`` is the one catalogue of what people read (Indonesian and English); ``fmt`` writes
numbers and dates the Indonesian way; ``report`` holds the JSON contract and table rows;
``tables`` the Rich tables of the terminal; ``templates`` renders the Jinja2 templates with
typed contexts (``briefing``, ``summary``); ``export`` writes files atomically.
"""
