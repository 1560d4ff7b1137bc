"""One attention head: softmax(q K^T / sqrt(d_k)) V, every step kept.

The engine behind the lesson's practice: ``solve`` computes a head exactly, ``draw``
draws a hand-computable head from a seed, ``rounded`` gives every step at display
precision, ``mistakes`` gives the answers reached with the common slips, ``to_data``
gives a JSON-able dict. Slides, cards and figures all go through ``rounded``/``fmt``,
so they print the same digits.

Inputs (drawn problems)
    standard:  query and key entries have one decimal in [-2, 2]; values integers in [-3, 3].
    (The lesson's worked example uses BOARD_LEVEL: integers in [-2, 2].)
    challenge: query and key entries have one decimal in [-1.5, 1.5]; values integers
               in [-5, 5]; the top two weights are a close race (lead 0.05 to 0.35).
    Values have d_k components too. See LEVELS.

Display rounding (ROUNDING)
    scores 2 decimals (exact: inputs have at most one decimal), scaled 4, exp 3,
    exp_sum 3, weights 3, output 2. Each displayed number is the exact value rounded
    to that many decimals (round half to even on the binary value, as Python's
    ``round`` and ``format`` do); nothing is rounded twice.

    The rule a drawn problem guarantees (``consistent_at_display``): a learner who
    takes the *displayed* numbers of one step and computes the next step (with the
    exact sqrt(d_k), or with sqrt(d_k) as the steps print it, to ROOT_DECIMALS = 6)
    gets a number that rounds to the displayed next step under any rule for halves:
    within half a unit in the last displayed place of it, and at least NEAR_TIE (a
    hundredth) of a unit away from the tie. Four decimals on the
    scaled scores keep exp() from amplifying their rounding; three on the weights
    keep sum_i w_i v_i within half a cent of the displayed output. That sum is a
    whole number of thousandths, so it ends exactly in 5 (a tie) in about one head
    in five; those draws, and any other that misses, are redrawn.

Guarantees of drawn problems, each a function below and all listed in GUARANTEES,
judged on the displayed numbers and for every query:
    unique_leader (top weight minus runner-up >= Level.margin: 0.15 standard,
    0.05 challenge), no_extreme_weights (every weight in [0.01, 0.99], so none
    reads as 0.00 or 1.00, and not all equal), weights_sum_to_one (the displayed
    weights add up to 1.000), output_not_a_value, all_finite, consistent_at_display.
``broken_guarantees`` names the ones a problem breaks. ``draw`` redraws (at most
MAX_TRIES candidate query rows) until all hold.

Parameters: d_k in D_K_RANGE = [2, 4], n_keys in N_KEYS_RANGE = [2, 4], n_queries in
N_QUERIES_RANGE = [1, 3], variant >= 0, difficulty in DIFFICULTIES. Anything else, or a
Level that cannot reach its margin, raises ParameterError naming the parameter and its
allowed range.

Shapes: ``rounded`` keeps one row per query always; ``steps.worked_steps`` is the
per-query view every slide, card, figure and the CLI print from. Only ``to_data``
(the frozen Data field) stores a single query's rows flat.
"""
from __future__ import annotations

# The engine is split by concern, one module each: solving (exact solution),
# levels (difficulties and parameter ranges), display (rounding, Display, to_data),
# guarantees, screening (candidate rows judged in numpy batches), drawing (draw,
# worked_example), hand (a typed head worked from its printed numbers) and slips
# (mistakes). Every name stays importable from here, as ``attention.draw`` and so on.
from .solving import (  # noqa: F401
    Solution,
    solve,
    Problem,
)
from .levels import (  # noqa: F401
    DIFFICULTIES,
    D_K_RANGE,
    N_KEYS_RANGE,
    N_QUERIES_RANGE,
    MAX_TRIES,
    ROW_TRIES,
    WEIGHT_FLOOR,
    WEIGHT_CEILING,
    Level,
    LEVELS,
    BOARD_LEVEL,
    check_level,
)
from .display import (  # noqa: F401
    ROUNDING,
    ROOT_DECIMALS,
    shown_root,
    _round,
    fmt,
    _input_text,
    _rows,
    _grid_decimals,
    Display,
    rounded,
    rounded_many,
    to_data,
)
from .guarantees import (  # noqa: F401
    _TINY,
    _shown,
    _half_unit,
    NEAR_TIE,
    _clear_of_ties,
    all_finite,
    unique_leader,
    no_extreme_weights,
    weights_sum_to_one,
    output_not_a_value,
    consistent_at_display,
    _checks,
    broken_guarantees,
    meets_guarantees,
    GUARANTEES,
)
from .drawing import (  # noqa: F401
    WORKED_EXAMPLE_KEY,
    WORKED_EXAMPLE_SEED,
    _entries,
    _make,
    _hopeless,
    draw,
    worked_example,
)
from .hand import (  # noqa: F401
    HandChain,
    Near,
    Unworkable,
    hand_chain,
)
from .slips import (  # noqa: F401
    Slip,
    SLIP_EXPLANATIONS,
    _softmax_rows,
    mistakes,
    mistakes_many,
)
