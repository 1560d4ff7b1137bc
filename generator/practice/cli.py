"""``python build.py practice``: solve a given attention head, or print a drawn one.

    python build.py practice --query 1,0 --keys "1,0;0,1;1,1" --values "1,0;0,1;1,1"
    python build.py practice --query "1,0;0,1" --keys ... --values ... --json
    python build.py practice --seed 42 --difficulty challenge

Rows are separated by ";" and numbers by ",". Several query rows make several queries.

Plain output is the worked solution step by step, rounded as on the slides (see
``attention.ROUNDING``): for a given head each step is worked from the numbers printed
for the step before (``attention.hand_chain``), as a drawn head's printed steps already
follow from each other, and a closing note names each query and step that lands on or
near a rounding half. ``--json`` prints one JSON object. For a given head its keys are
exactly ``scores``, ``scaled``, ``exp``, ``weights``, ``output`` and ``most_attended``
(0-based key indices, a list because keys can tie), with full-precision floats; with one
query the arrays are flat lists, with several they hold one list per query. For a drawn
head it is ``attention.to_data`` of the problem.

Numbers may use the minus signs a copy from the slides, cards or worksheets brings
(U+2212 and the common dashes, ``MINUS_SIGNS``); "1_0" is refused, not read as 10.

Ties and degenerate heads are solved as given; bad input (ragged rows, mismatched sizes,
non-numbers, empty lists, numbers too large for exp) prints one ``error: ...`` line on
stderr and returns 2, before anything else is printed. This is the only module of the
practice package that prints.
"""
from __future__ import annotations

import argparse
import json
import math
import sys
from decimal import ROUND_FLOOR, Decimal
from typing import Any, Iterable, TextIO

import numpy as np

from generator.errors import ParameterError
from generator.practice import attention, seeds
from generator.practice.steps import STEPS, QuerySteps, steps_of, worked_steps

_MATRIX_OPTIONS = ("--query", "--keys", "--values")
_DRAW_OPTIONS = ("key", "variant", "difficulty", "d_k", "n_keys", "n_queries")  # names of draw()'s parameters

# Minus signs a copy-paste brings: the slides, cards and worksheets print U+2212; word
# processors and web pages turn "-" into hyphens and dashes.
MINUS_SIGNS = "\u2212\u2010\u2011\u2012\u2013\u2014\u2015\ufe58\ufe63\uff0d\u2796\u02d7"
_TO_HYPHEN = str.maketrans(dict.fromkeys(MINUS_SIGNS, "-"))

# Streams of the lesson's other exercises: not attention heads, so --key refuses them.
_OTHER_EXERCISES = ("matching", "reasoning", "rnn", "rnn-example", "tracks")


class _InputError(Exception):
    """A one-line message for the user; main() prints it as ``error: ...``."""


class _Parser(argparse.ArgumentParser):
    out: TextIO = sys.stdout

    def error(self, message: str):  # argparse would print usage and exit; we want one line
        raise _InputError(message)

    def print_help(self, file: TextIO | None = None) -> None:
        (file or self.out).write(self.format_help())


def _parser(out: TextIO) -> argparse.ArgumentParser:
    p = _Parser(
        prog="python build.py practice",
        description="Solve one attention head step by step, or print a drawn practice problem.",
        epilog='Rows are separated by ";" and numbers by ",", e.g. --keys "1,0;0,1;1,1"; a minus may be '
        "written as on the slides (U+2212) or as a dash. Without --query a problem is drawn (from a fresh "
        "seed unless --seed is given). The text numbers keys from 1 (k1, k2, ...); --json's most_attended "
        "counts them from 0 (k3 is 2).",
        allow_abbrev=False,
    )
    p.out = out
    p.add_argument("--query", metavar="ROWS", help="query vector(s), e.g. 1,0 (several rows: several queries)")
    p.add_argument("--keys", metavar="ROWS", help='key vectors, one row per key, e.g. "1,0;0,1;1,1"')
    p.add_argument("--values", metavar="ROWS", help="value vectors, one row per key")
    p.add_argument("--json", action="store_true",
                   help="print one JSON object instead of the worked solution (unrounded for a given head; "
                   "most_attended counts keys from 0)")
    drawn = p.add_argument_group("drawn problem (when --query is absent)")
    drawn.add_argument("--seed", type=_integer, metavar="N", help="seed (default: a fresh one, printed)")
    drawn.add_argument(
        "--key", metavar="NAME",
        help="name of the random stream the head is drawn from, mixed into the seed (default: attention, "
        "the stream of the deck's attention practice cards); another name gives other heads of the same kind, "
        "it does not choose an exercise",
    )
    drawn.add_argument("--variant", type=_integer, metavar="K", help="variant number (default: 0)")
    drawn.add_argument("--difficulty", help=f"one of {', '.join(attention.DIFFICULTIES)} (default: standard)")
    lo, hi = attention.D_K_RANGE
    drawn.add_argument("--d-k", type=_integer, metavar="D",
                       help=f"dimension of queries and keys (numbers per vector), {lo}..{hi} (default: 2)")
    lo, hi = attention.N_KEYS_RANGE
    drawn.add_argument("--n-keys", type=_integer, metavar="N", help=f"number of keys, {lo}..{hi} (default: 3)")
    lo, hi = attention.N_QUERIES_RANGE
    drawn.add_argument("--n-queries", type=_integer, metavar="N", help=f"number of queries, {lo}..{hi} (default: 1)")
    return p


def _glue(argv: list[str]) -> list[str]:
    # "--query -1,0" would read "-1,0" as an option; "--query=-1,0" cannot be misread.
    out, i = [], 0
    while i < len(argv):
        if argv[i] in _MATRIX_OPTIONS and i + 1 < len(argv):
            out.append(f"{argv[i]}={argv[i + 1]}")
            i += 2
        else:
            out.append(argv[i])
            i += 1
    return out


def _read(token: str, kind: type, what: str):
    """``token`` as ``kind`` (float or int), its minus signs read as "-". A "_" is refused:
    Python reads "1_0" as 10, a typo no one means. Raises ValueError("'x' is not <what>")."""
    if "_" not in token:
        try:
            return kind(token.translate(_TO_HYPHEN))
        except ValueError:
            pass
    raise ValueError(f"{token!r} is not {what}" + (" (write it without '_')" if "_" in token else ""))


def _integer(text: str) -> int:
    """An int option's value, read as the matrices' numbers are."""
    try:
        return _read(text.strip(), int, "a whole number")
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def parse_matrix(text: str, option: str) -> np.ndarray:
    """Rows split on ";", numbers on ","; every row the same length, every number finite."""
    if not text.strip():
        raise _InputError(f"{option} is empty")
    rows = []
    for r, row in enumerate(text.split(";"), start=1):
        if not row.strip():
            raise _InputError(f"{option} row {r} is empty")
        numbers = []
        for token in row.split(","):
            token = token.strip()
            try:
                x = _read(token, float, "a number")
            except ValueError as exc:
                raise _InputError(f"{option} row {r}: {exc}") from None
            if not math.isfinite(x):
                raise _InputError(f"{option} row {r}: {token!r} is not a finite number")
            numbers.append(x)
        rows.append(numbers)
    for r, row in enumerate(rows[1:], start=2):
        if len(row) != len(rows[0]):
            raise _InputError(
                f"{option} rows must all have the same length: row 1 has {len(rows[0])} numbers, row {r} has {len(row)}"
            )
    return np.array(rows, dtype=np.float64)


def _given(args: argparse.Namespace) -> attention.Problem:
    missing = [o for o, v in (("--keys", args.keys), ("--values", args.values)) if v is None]
    if missing:
        raise _InputError(f"--query needs {' and '.join(missing)}")
    q = parse_matrix(args.query, "--query")
    k = parse_matrix(args.keys, "--keys")
    v = parse_matrix(args.values, "--values")
    if q.shape[1] != k.shape[1]:
        raise _InputError(
            f"--query has {q.shape[1]} numbers per row but --keys has {k.shape[1]} (both must have d_k numbers)"
        )
    if k.shape[0] != v.shape[0]:
        raise _InputError(f"--keys has {k.shape[0]} rows but --values has {v.shape[0]} (one value per key)")
    with np.errstate(over="ignore", invalid="ignore"):
        problem = attention.Problem.given(q, k, v)
    sol = problem.solution
    if not np.all(np.isfinite(sol.scores)):
        raise _InputError("the dot products q . k overflow; use smaller numbers")
    if not (np.all(np.isfinite(sol.exp)) and np.all(np.isfinite(sol.exp_sum)) and np.all(np.isfinite(sol.output))):
        raise _InputError(
            f"exp() of the largest scaled score ({sol.scaled.max():.6g}) overflows (at most about 709.78 fits); "
            "use smaller numbers"
        )
    return problem


def _flat(a: np.ndarray, single: bool) -> list:
    rows = np.atleast_2d(a).tolist()
    return rows[0] if single else rows


def given_json(problem: attention.Problem) -> dict[str, Any]:
    """The JSON object for a given head: full precision, the six documented keys."""
    sol = problem.solution
    single = problem.query.shape[0] == 1
    return {
        "scores": _flat(sol.scores, single),
        "scaled": _flat(sol.scaled, single),
        "exp": _flat(sol.exp, single),
        "weights": _flat(sol.weights, single),
        "output": _flat(sol.output, single),
        "most_attended": sol.most_attended[0] if single else sol.most_attended,
    }


# --- the worked solution in plain text ---------------------------------------------------


def _factor(text: str) -> str:
    return f"({text})" if text.startswith("-") else text


def _vec(cells: list[str]) -> str:
    return "(" + ", ".join(cells) + ")"


def _label(near: attention.Near, view: QuerySteps) -> str:
    i = near.index
    if near.step == "scaled":
        return f"s{i + 1} / sqrt({view.d_k})"
    if near.step == "exp":
        return f"exp({view.step('scaled').cells[i]})"
    if near.step == "output":
        return f"output component {i + 1}"
    return f"{'s' if near.step == 'scores' else 'w'}{i + 1}"


def _near_line(near: attention.Near, view: QuerySteps) -> str:
    """One step of a given head that lands on or near a rounding half, for the closing note."""
    number, title = next((n, t) for n, (name, t) in enumerate(STEPS, start=1) if name == near.step)
    places = attention.ROUNDING[near.step]
    unit = Decimal(1).scaleb(-places)
    x = near.values[0]
    half = (x / unit).to_integral_value(rounding=ROUND_FLOOR) * unit + unit / 2
    lo, hi = (attention.fmt(float(half + d * unit / 2), places) for d in (-1, 1))
    if near.values == (half,):
        where = f"exactly half-way between {lo} and {hi}; printed {near.printed} (halves go to the even digit)"
    else:
        where = f"on or within a hundredth of a digit of the half between {lo} and {hi}; printed {near.printed}"
    value = " ".join([f"{x:.{places + 4}f}"] + [f"(by {view.sqrt_d_k}: {y:.{places + 4}f})" for y in near.values[1:]])
    return f"  query {near.query + 1}, step {number} ({title.lower()}): {_label(near, view)} = {value}, {where}"


def _keys(indices: Iterable[int]) -> str:
    return " and ".join(f"k{i + 1}" for i in indices)


def _closing_note(problem: attention.Problem, chain: attention.HandChain, views: tuple[QuerySteps, ...]) -> list[str]:
    """Where a learner may part from a given head's board: steps on or near a rounding
    half, and a leader the printed weights show otherwise than the unrounded ones."""
    lines = [_near_line(n, views[n.query]) for n in chain.near]
    for view, exact in zip(views, problem.solution.most_attended):
        if tuple(exact) != view.most_attended:
            lines.append(f"  query {view.index + 1}, most attended: the printed weights put {_keys(view.most_attended)} "
                         f"on top; unrounded, {_keys(exact)} (--json's most_attended)")
    if not lines:
        return []
    return ["", "Note: at these steps a learner working from the printed numbers may reach another digit, or "
            "another leader, than this board shows (drawn heads never do this):"] + lines


def worked_text(problem: attention.Problem) -> str:
    """The step-by-step solution an instructor can read out or copy to the board.

    A drawn head prints its display (its steps follow from each other by its guarantees);
    a given head prints its hand chain, each step from the printed numbers before it."""
    chain = None
    if problem.seed is None:
        try:
            chain = attention.hand_chain(problem)
        except attention.Unworkable as exc:
            raise _InputError(str(exc)) from None
    views = worked_steps(problem) if chain is None else steps_of(chain.display)
    first = views[0]
    single = first.n_queries == 1
    n_keys = len(first.keys)
    lines: list[str] = []
    out = lines.append
    if problem.seed is not None:
        out(f"Drawn problem: seed {problem.seed}, key {problem.key!r}, variant {problem.variant}, "
            f"difficulty {problem.difficulty}")
    out(f"Attention head: {first.n_queries} {'query' if single else 'queries'}, {n_keys} keys, d_k = {first.d_k} "
        "(keys numbered from 1)")
    r = attention.ROUNDING
    out(f"Rounding as on the slides: scores {r['scores']} decimals, scaled {r['scaled']}, exp {r['exp']}, "
        f"sum {r['exp_sum']}, weights {r['weights']}, output {r['output']}.")
    if chain is not None:
        out("Each step is worked from the numbers printed for the step before; --json gives the unrounded values.")
    out("")
    out("Inputs")
    for v in views:
        out(f"  {'q' if single else f'q{v.index + 1}'} = {_vec(v.query)}")
    width = max(len(_vec(k)) for k in first.keys)
    for i, (k, val) in enumerate(zip(first.keys, first.values)):
        out(f"  k{i + 1} = {_vec(k):<{width}}   v{i + 1} = {_vec(val)}")
    root = f"sqrt({first.d_k})"
    for v in views:
        name = "q" if single else f"q{v.index + 1}"
        scores, scaled, exp, weights, output = v.steps  # the view's five steps, in order
        out("")
        if not single:
            out(f"=== Query {v.index + 1}: {name} = {_vec(v.query)} ===")
        out(f"Step {scores.number}. Scores s_i = {name} . k_i")
        for i, k in enumerate(v.keys):
            products = " + ".join(f"{_factor(a)} x {_factor(b)}" for a, b in zip(v.query, k))
            out(f"  s{i + 1} = {products} = {scores.cells[i]}")
        out(f"Step {scaled.number}. Divide by sqrt(d_k) = {root} = {v.sqrt_d_k}")
        for i in range(n_keys):
            out(f"  s{i + 1} / {root} = {scores.cells[i]} / {root} = {scaled.cells[i]}")
        out(f"Step {exp.number}. Exponentials")
        for i in range(n_keys):
            out(f"  exp({scaled.cells[i]}) = {exp.cells[i]}")
        out(f"  sum = {' + '.join(exp.cells)} = {exp.total}")
        out(f"Step {weights.number}. Softmax weights w_i = exp_i / sum")
        for i in range(n_keys):
            out(f"  w{i + 1} = {exp.cells[i]} / {exp.total} = {weights.cells[i]}")
        out(f"Step {output.number}. Output = sum_i w_i v_i")
        out("  = " + " + ".join(f"{weights.cells[i]} x {_vec(v.values[i])}" for i in range(n_keys)))
        out(f"  = {_vec(output.cells)}")
        most = v.most_attended
        who = _keys(most)
        tie = " (tie)" if len(most) > 1 else ""
        out(f"Most attended: {who}{tie}, weight {weights.cells[most[0]]}")
    if chain is not None:
        lines.extend(_closing_note(problem, chain, views))
    if problem.seed is not None:
        out("")
        out("Common slips (what a learner gets instead):")
        for slip in attention.mistakes(problem).values():
            if slip.differs:
                out(f"  {slip.name}: output {'; '.join(_vec(o) for o in slip.text['output'])}. {slip.explanation}")
    return "\n".join(lines) + "\n"


# --- entry point ----------------------------------------------------------------------------


def _run(argv: list[str], stdout: TextIO, stderr: TextIO) -> int:
    args = _parser(stdout).parse_args(_glue(argv))
    if args.query is None:
        if args.keys is not None or args.values is not None:
            raise _InputError("--keys and --values need --query (without --query a problem is drawn)")
        if args.key in _OTHER_EXERCISES:
            raise _InputError(f"--key {args.key!r} is the stream of the lesson's {args.key} exercise, not of attention "
                              "heads; --key names the random stream an attention head is drawn from (default: attention)")
        seed = args.seed
        fresh = seed is None
        if fresh:
            seed = seeds.fresh_seed()
        # Options left out keep draw()'s own defaults.
        chosen = {name: getattr(args, name) for name in _DRAW_OPTIONS if getattr(args, name) is not None}
        problem = attention.draw(seed, **chosen)  # a bad option raises here, before the seed line
        data = attention.to_data(problem)
        if fresh:
            note = f"seed {seed} (drawn fresh; print this problem again with --seed {seed})"
            print(note, file=stderr if args.json else stdout)
    else:
        given = [name for name in ("seed", *_DRAW_OPTIONS) if getattr(args, name) is not None]
        if given:
            option = "--" + given[0].replace("_", "-")
            raise _InputError(f"{option} is for drawn problems; it cannot be combined with --query")
        problem = _given(args)
        data = given_json(problem)
    if args.json:
        print(json.dumps(data), file=stdout)
    else:
        stdout.write(worked_text(problem))
    return 0


def main(argv: list[str] | None = None, stdout: TextIO | None = None, stderr: TextIO | None = None) -> int:
    """Run the practice subcommand; 0 on success, 2 on bad input (one ``error:`` line on stderr)."""
    argv = sys.argv[1:] if argv is None else list(argv)
    stdout = sys.stdout if stdout is None else stdout
    stderr = sys.stderr if stderr is None else stderr
    try:
        return _run(argv, stdout, stderr)
    except (_InputError, ParameterError) as exc:
        print(f"error: {exc}", file=stderr)
        return 2
    except SystemExit as exc:  # --help has printed its text
        return exc.code if isinstance(exc.code, int) else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
