"""Suggested classification: when a suggestion is applied by the intake without a person
(pure rules; the model itself is app/services/classification.py)."""

# A category is "confidential" for the classifier when at least this share of its
# classified complaints is confidential: it is never applied automatically.
CONFIDENTIAL_SHARE = 0.5


def auto_applies(confidence: float | None, threshold_percent: int,
                 confidential_category: bool = False) -> bool:
    """Whether the intake applies a suggestion itself: only when the admin set a
    threshold (0, the default, is off), the confidence reaches it, and the category is not
    a confidential one."""
    if not threshold_percent or confidence is None or confidential_category:
        return False
    return round(confidence * 100) >= threshold_percent


def confidential_categories(counts: dict) -> set:
    """The categories whose share of confidential complaints reaches CONFIDENTIAL_SHARE,
    from ``{category: (confidential, total)}``."""
    return {category for category, (confidential, total) in counts.items()
            if total and confidential / total >= CONFIDENTIAL_SHARE}


def percent(confidence: float) -> int:
    """87 for 0.8712: how a confidence is shown."""
    return round(confidence * 100)
