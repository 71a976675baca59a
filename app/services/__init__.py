"""Use cases. They take a session (and a clock where time matters) and never touch
``request``, ``g`` or ``flash``; errors a user can fix are raised as ``ServiceError``."""
