"""When a suggested classification is applied automatically (app/domain/classification.py)."""

import pytest

from app.domain.classification import auto_applies, confidential_categories, percent


@pytest.mark.parametrize("confidence,threshold,confidential,expected", [
    (0.99, 0, False, False),  # off by default
    (0.87, 85, False, True),
    (0.844, 85, False, False),  # shown "84 %"
    (0.99, 85, True, False),  # confidential categories never
    (None, 50, False, False),
])
def test_auto_applies(confidence, threshold, confidential, expected):
    assert auto_applies(confidence, threshold, confidential) is expected


def test_confidential_categories_and_percent():
    assert confidential_categories({1: (6, 10), 2: (1, 10), 3: (0, 0)}) == {1}
    assert percent(0.8712) == 87
