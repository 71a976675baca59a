"""When a complaint may be deleted (app/domain/deletion.py)."""

import pytest

from app.domain.deletion import (
    GENERATED_DOCUMENTS,
    OUTGOING_MESSAGES,
    SENT_EMAILS,
    blocking_reasons,
)


@pytest.mark.parametrize(("counts", "expected"), [
    ({}, []),
    ({OUTGOING_MESSAGES: 0, SENT_EMAILS: 0, GENERATED_DOCUMENTS: 0}, []),
    ({SENT_EMAILS: 2}, [(SENT_EMAILS, 2)]),
    ({GENERATED_DOCUMENTS: 1, OUTGOING_MESSAGES: 3},
     [(OUTGOING_MESSAGES, 3), (GENERATED_DOCUMENTS, 1)]),
])
def test_blocking_reasons(counts, expected):
    assert blocking_reasons(counts) == expected
