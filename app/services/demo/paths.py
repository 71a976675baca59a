"""Paths of complaints through the workflow, and what the clock does along them.

A demo complaint is not moved through ``services.complaints`` one step at a time (that
would cost a million round trips); instead its whole path is known up front and this
module works out what those services would have left behind:

- the clock of each state is ``app.domain.deadlines.clock_for`` (read into
  ``references.StateInfo``): running, paused (waiting for the customer) or stopped
  (answered, closed);
- ``paused_since`` is set on entering a state that does not run the clock and kept
  through the following ones that do not either (waiting → answered → closed);
- when a later state runs the clock again (answered → in progress, closed → reopened),
  that whole time is given back: added to ``paused_seconds``, which moves the deadline
  (a "deadline_changed" event with the reason "pause");
- the deadline is recomputed on every state change, with the rule of the new state.
"""

from itertools import accumulate
from typing import NamedTuple

from app.domain.deadlines import compute_deadline, pick_rule


class PathInfo(NamedTuple):
    """Facts of one path, computed once per distinct path rather than per complaint."""

    ids: tuple  # state ids, as the strings events store
    clocks: tuple  # the clock in each state (running, paused, stopped)
    running: tuple  # whether the clock runs in each state
    resumed: tuple  # whether entering each state gives paused time back
    answered: int | None  # index of the first state that marks the answer
    record: int | None  # where processing facts are fixed: first answer, or closure
    held_since: int | None  # start of the states at the end that hold the clock
    final: bool


def path_info(path, states) -> PathInfo:
    clocks = tuple(states[sid].clock for sid in path)
    running = tuple(states[sid].running for sid in path)
    # services.complaints._leave_state: the time comes back when a state runs the clock
    # after one that did not.
    resumed = (False, *(running[k] and not running[k - 1] for k in range(1, len(path))))
    answered = next((k for k, sid in enumerate(path) if states[sid].answered), None)
    record = next((k for k, sid in enumerate(path)
                   if states[sid].answered or states[sid].final), None)
    held_since = None
    if not running[-1]:
        held_since = len(path) - 1
        while held_since and not running[held_since - 1]:
            held_since -= 1
    return PathInfo(tuple(str(sid) for sid in path), clocks, running, resumed, answered,
                    record, held_since, states[path[-1]].final)


def state_paths(refs, rng, walks=400, max_steps=7) -> dict[int, tuple[list, list]]:
    """Paths from the initial state found by random walks, by last state, with cumulative
    weights: each step, and each state on the way that holds the clock, makes a path less
    likely, so most complaints take the direct route and few come back after an answer."""
    found = {refs.initial: {(refs.initial,)}}
    for _ in range(walks):
        path = (refs.initial,)
        for _ in range(max_steps):
            following = refs.successors.get(path[-1])
            if not following:
                break
            path += (rng.choice(following),)
            found.setdefault(path[-1], set()).add(path)
    order, result = list(refs.states), {}
    for end in sorted(found, key=order.index):
        paths = sorted(found[end])  # sorted: the same seed gives the same demo
        weights = [0.4 ** (len(p) - 1 + sum(not refs.states[s].running for s in p[:-1]))
                   for p in paths]
        result[end] = (paths, list(accumulate(weights)))
    return result


class DeadlineTrack:
    """Deadlines as ``services.deadlines`` computes them, with the rule of each
    (state, complexity) looked up once."""

    def __init__(self, context, refs):
        self.context = context
        self.rules = {(state, complexity): pick_rule(context.rules, state, complexity)
                      for state in refs.states
                      for complexity in [*refs.ids["complexity"].values(), None]}

    def along(self, path, info, seconds, complexity, received) -> list:
        """The deadline after entering each state of ``path``, ``seconds[k]`` being the
        time spent in state ``k``."""
        ctx, result, last, paused, held = self.context, [], None, 0, 0
        for k, state in enumerate(path):
            if k and not info.running[k - 1]:
                held += seconds[k - 1]
            if info.resumed[k]:
                paused, held = paused + held, 0
            rule = self.rules[state, complexity]
            # Most steps change neither the rule nor the paused time: reuse the deadline.
            if last is None or rule is not last.rule or paused != last.paused_seconds:
                last = compute_deadline(received, rule, ctx.holidays, ctx.time_zone, paused)
            result.append(last)
        return result
