"""Default reference data seeded on a new database.

Labels are English msgids marked with ``N_`` so that Babel extracts them; the seed
translates each one into the French and English catalogs and stores both labels, which
admins may then edit freely.
"""


def N_(text: str) -> str:  # noqa: N802 - the conventional gettext marker name
    """Mark ``text`` for extraction without translating it now."""
    return text


REFERENCE_LISTS = {
    "request_type": [
        ("complaint", N_("Complaint")),
        ("question", N_("Question")),
        ("suggestion", N_("Suggestion")),
        ("thanks", N_("Thanks")),
    ],
    "channel": [
        ("web", N_("Web form")),
        ("email", N_("Email")),
        ("phone", N_("Phone")),
        ("letter", N_("Letter")),
        ("counter", N_("Counter")),
        ("hotline", N_("Hotline")),
    ],
    "category": [
        ("technical", N_("Technical")),
        ("contractual", N_("Contractual")),
        ("billing", N_("Billing")),
        ("product_quality", N_("Product quality")),
        ("delivery", N_("Delivery")),
        ("customer_service", N_("Customer service")),
        ("gbv", N_("Gender-based violence")),
        ("harassment", N_("Harassment")),
    ],
    "severity": [
        ("blocking", N_("Blocking")),
        ("non_blocking", N_("Non-blocking anomaly")),
        ("minor", N_("Minor")),
    ],
    "complexity": [
        ("simple", N_("Simple")),
        ("standard", N_("Standard")),
        ("complex", N_("Complex")),
    ],
    "resolution_type": [
        ("refund", N_("Refund")),
        ("replacement", N_("Replacement")),
        ("explanation", N_("Explanation")),
        ("commercial_gesture", N_("Commercial gesture")),
        ("process_change", N_("Process change")),
        ("rejected", N_("Rejected")),
    ],
}

# (code, label, is_open, pauses_clock, is_final, notify_complainant, marks_answered, initial)
STATES = [
    ("new", N_("New"), True, False, False, False, False, True),
    ("acknowledged", N_("Acknowledged"), True, False, False, True, False, False),
    ("in_progress", N_("Under investigation"), True, False, False, True, False, False),
    ("waiting_customer", N_("Waiting for the customer"), True, True, False, True, False, False),
    ("answered", N_("Answered"), True, False, False, True, True, False),
    ("closed", N_("Closed"), False, False, True, True, False, False),
    ("reopened", N_("Reopened"), True, False, False, True, False, False),
]

TRANSITIONS = [
    ("new", "acknowledged"),
    ("new", "in_progress"),
    ("acknowledged", "in_progress"),
    ("acknowledged", "waiting_customer"),
    ("in_progress", "waiting_customer"),
    ("in_progress", "answered"),
    ("waiting_customer", "in_progress"),
    ("waiting_customer", "answered"),
    ("answered", "in_progress"),
    ("answered", "closed"),
    ("closed", "reopened"),
    ("reopened", "in_progress"),
    ("reopened", "answered"),
]

# Demo-only lists: a real organisation enters its own sectors and agencies.
DEMO_SECTORS = [
    ("water", N_("Drinking water")),
    ("sanitation", N_("Sanitation")),
    ("energy", N_("Energy")),
    ("waste", N_("Waste")),
]
DEMO_AGENCIES = [
    ("north", N_("North agency")),
    ("south", N_("South agency")),
    ("east", N_("East agency")),
    ("west", N_("West agency")),
    ("centre", N_("Centre agency")),
]
