"""Print the mutation score of the last `mutmut run` (killed / total), per module and overall.

Reads the results mutmut leaves beside each mutated file (mutants/**/*.py.meta). A mutant is
killed when a test failed with it (exit code 1 or 3) or it timed out; every other outcome
(survived, no tests, not checked) counts against the score. With ``--survivors`` it also
lists the surviving mutants' names, for ``mutmut show <name>``; it fails when a survivor
of a module whose survivors must all be explained (``EXPLAINED``) is not named in
tests/unit/EQUIVALENT_MUTANTS.md.
Usage: python scripts/mutation_score.py [--survivors] [--min PERCENT]
"""

import argparse
import json
import sys
from pathlib import Path

KILLED = {1, 3, 24, -24, 152, 255, 36}  # test failure, or a timeout (an endless loop)
# Modules every surviving mutant of which is listed, with why it is equivalent.
EXPLAINED = ("files", "retention", "deadlines", "periods", "urgency")
EQUIVALENT = Path(__file__).resolve().parent.parent / "tests/unit/EQUIVALENT_MUTANTS.md"


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--survivors", action="store_true", help="list the mutants not killed")
    parser.add_argument("--min", type=float, default=None, help="fail below this percentage")
    parser.add_argument("--root", default="mutants", help="mutmut's working copy")
    args = parser.parse_args()

    metas = sorted(Path(args.root).rglob("*.py.meta"))
    if not metas:
        print(f"no mutmut results under {args.root}/: run `make mutation` first", file=sys.stderr)
        return 2
    total = killed = 0
    survivors = []
    for meta in metas:
        codes = json.loads(meta.read_text("utf-8"))["exit_code_by_key"]
        if not codes:
            continue
        module_killed = sum(1 for code in codes.values() if code in KILLED)
        total += len(codes)
        killed += module_killed
        name = meta.relative_to(args.root).as_posix().removesuffix(".meta")
        share = 100 * module_killed / len(codes)
        print(f"{name:40} {module_killed:5} / {len(codes):5}  {share:5.1f} %")
        survivors += [(key, code) for key, code in codes.items() if code not in KILLED]
    score = 100 * killed / total
    print(f"{'total':40} {killed:5} / {total:5}  {score:5.1f} %")
    if args.survivors:
        for key, code in sorted(survivors):
            status = "no tests" if code in (5, 33) else "survived" if code == 0 else code
            print(f"  {key}  ({status})")
    listed = EQUIVALENT.read_text("utf-8")
    unexplained = [key for key, _ in sorted(survivors) if key.split(".")[2] in EXPLAINED
                   and key.removeprefix("app.domain.") not in listed]
    if unexplained:
        print(f"not killed and not explained in {EQUIVALENT.name}:", *unexplained, sep="\n  ",
              file=sys.stderr)
        return 1
    if args.min is not None and score < args.min:
        print(f"mutation score {score:.1f} % is below {args.min} %", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
