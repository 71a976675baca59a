"""A user's own preferences, saved on their account."""


def save_language(session, user, language: str) -> None:
    """Keep ``language`` as the user's interface language (applied at each sign-in), and
    commit."""
    user.language = language
    session.commit()
