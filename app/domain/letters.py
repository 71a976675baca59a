"""What a letter template may read: a whitelisted dict of plain strings, never ORM objects.

``PLACEHOLDERS`` lists every name a template may use, with an example value: the help
page shows them, the upload check renders a template with them and warns about any
other name the template uses.
"""

PLACEHOLDERS: dict[str, str] = {
    # The letterhead logo (an image, from the settings); prints nothing without one.
    "logo": "[logo]",
    "organisation_name": "ACME & Fils <SAS>",
    "organisation_address": "12 rue de la Paix\n75002 Paris",
    "date": "25 novembre 2026",
    "tracking_number": "REC-2026-000123",
    "complainant_name": "Hélène Lefèvre",
    "complainant_address": "3 allée des Érables\n69003 Lyon",
    "client_name": "Lefèvre Hélène",
    "received_date": "2 novembre 2026",
    "subject": "Facture de septembre erronée",
    "description": "Le montant facturé ne correspond pas au relevé du compteur.",
    "resolution": "Un avoir de 42,50 € a été émis sur votre compte.",
    "agent_name": "Jean Dupont",
}


def letter_context(**values) -> dict[str, str]:
    """The template context: every placeholder, as text ("" when unknown or empty).

    Unknown names are refused, so nothing outside the whitelist reaches a template.
    """
    unknown = set(values) - set(PLACEHOLDERS)
    if unknown:
        raise KeyError(f"not letter placeholders: {', '.join(sorted(unknown))}")
    return {name: _text(values.get(name)) for name in PLACEHOLDERS}


def sample_context() -> dict[str, str]:
    """The example values, as a context for validating a template."""
    return dict(PLACEHOLDERS)


def unknown_placeholders(names) -> list[str]:
    """The names a template uses that no letter provides, sorted."""
    return sorted(set(names) - set(PLACEHOLDERS))


def letter_filename(tracking_number: str, purpose: str, language: str) -> str:
    """``REC-2026-000123-answer-fr.docx``: safe characters only, whatever the inputs."""
    stem = "-".join(part for part in (tracking_number, purpose, language) if part)
    safe = "".join(ch if ch.isascii() and (ch.isalnum() or ch in "-_") else "_" for ch in stem)
    return f"{safe or 'letter'}.docx"


def _text(value) -> str:
    if value is None:
        return ""
    return str(value).replace("\r\n", "\n").strip()
