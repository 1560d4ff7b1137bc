"""One seed range and one variant range: what the engine draws from, every stage takes."""
from __future__ import annotations

import re

import pytest

from conftest import run_build

from generator import limits
from generator.anki.figures import CardSvgs
from generator.errors import ParameterError
from generator.figures import registry
from generator.practice import reasoning, seeds

BIG_SEED = 2**62 + 7  # far past the old 2**31 - 1 cap of the CLI and the registry
BIG_VARIANT = 19_999  # the last variant the settings allow (variants = 20000)


def test_engine_and_registry_share_the_ranges():
    assert seeds.check_seed(limits.SEED[1]) == 2**63 - 1
    with pytest.raises(ParameterError):
        seeds.check_seed(limits.SEED[1] + 1)
    prepared = registry.prepare("attention_heatmap", {"kind": "caption_words", "seed": str(limits.SEED[1]), "variant": str(limits.VARIANT[1])})
    assert prepared.params["seed"] == 2**63 - 1 and prepared.params["variant"] == 2**32 - 1
    with pytest.raises(ParameterError) as caught:
        registry.prepare("attention_image", {"seed": str(2**63)})
    assert caught.value.name == "seed"


@pytest.mark.parametrize("kind", ["image_grid", "caption_words"])
def test_card_figures_of_any_seed_and_variant(kind):
    item = reasoning.draw(BIG_SEED, variant=BIG_VARIANT, kind=kind)
    first = CardSvgs().reasoning_image(item)
    assert CardSvgs().reasoning_image(item) == first  # the same bytes, name and alt again
    # Every number the engine prints for this map is a cell of the figure, in order.
    cells = re.findall(r"<text [^>]*>([^<]*)</text>", first.source.decode())
    printed = [t for row in item.cell_text for t in row]
    assert [c for c in cells if c in set(printed)][-len(printed):] == printed


def test_cli_takes_any_engine_seed(tmp_path):
    done = run_build("--seed", str(limits.SEED[1] + 1), "--out", str(tmp_path))
    assert done.returncode == 2 and f"0 to {limits.SEED[1]}" in done.stderr
    assert str(limits.SEED[1]) in run_build("--help").stdout.replace("\n", "").replace(" ", "")



