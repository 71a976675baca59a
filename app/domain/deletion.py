"""When may a complaint be deleted? (DESIGN.md §2)

Only when nothing has left the building: no outgoing message, no email sent, no letter
generated. Anything else would erase the trace of what the complainant received.
"""

OUTGOING_MESSAGES = "outgoing_messages"
SENT_EMAILS = "sent_emails"
GENERATED_DOCUMENTS = "generated_documents"


def blocking_reasons(counts: dict[str, int]) -> list[tuple[str, int]]:
    """``(reason, count)`` for every kind of trace that forbids deleting, in a fixed order."""
    order = (OUTGOING_MESSAGES, SENT_EMAILS, GENERATED_DOCUMENTS)
    return [(reason, counts[reason]) for reason in order if counts.get(reason, 0) > 0]
