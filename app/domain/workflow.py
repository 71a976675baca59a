"""The workflow is a table: states and allowed transitions are rows, checked here."""

from dataclasses import dataclass


class TransitionNotAllowed(Exception):
    """Raised when a complaint is asked to move along a transition that is not allowed."""

    def __init__(self, source: str | None, target: str):
        super().__init__(f"{source} -> {target}")
        self.source = source
        self.target = target


@dataclass(frozen=True)
class StateFlags:
    code: str
    is_open: bool = True
    pauses_clock: bool = False
    is_final: bool = False
    notify_complainant: bool = False


def allowed_targets(source: str, transitions: set[tuple[str, str]]) -> list[str]:
    """Codes of the states reachable from ``source``, in a stable order."""
    return sorted(target for origin, target in transitions if origin == source)


def check_transition(source: str | None, target: str, transitions: set[tuple[str, str]]):
    """Raise ``TransitionNotAllowed`` unless ``source → target`` is an allowed transition.

    A complaint that has no state yet (creation) may start in any state: the form asks
    for one, and importing older complaints needs it.
    """
    if source is None or source == target:
        return
    if (source, target) not in transitions:
        raise TransitionNotAllowed(source, target)
