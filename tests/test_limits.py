"""One seed range and one variant range: what the engine draws from, every stage takes."""
from __future__ import annotations

from pathlib import Path

import pytest

from conftest import run_build

from generator import limits
from generator.anki.figures import Figures
from generator.errors import ParameterError
from generator.figures import registry
from generator.figures.cache import FigureCache
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
def test_card_figures_of_any_seed_and_variant_are_cached(tmp_path, kind):
    item = reasoning.draw(BIG_SEED, variant=BIG_VARIANT, kind=kind)
    cache = FigureCache(tmp_path)
    first = Figures(cache).reasoning_image(item)
    assert cache.drawn == 1
    again = Figures(FigureCache(tmp_path))
    assert again.reasoning_image(item) == first and again._cache.drawn == 0
    # The same figure the registry draws for these numbers (axis titles and all).
    # Card fronts show every kind as an unmarked heatmap (the image grid included).
    params = {"seed": str(BIG_SEED), "variant": str(BIG_VARIANT), "kind": kind, "card": "front"}
    assert cache.render("attention_heatmap", params).png == (tmp_path / Path(first.source).name).read_bytes()


def test_cli_takes_any_engine_seed(tmp_path):
    done = run_build("--seed", str(limits.SEED[1] + 1), "--out", str(tmp_path))
    assert done.returncode == 2 and f"0 to {limits.SEED[1]}" in done.stderr
    assert str(limits.SEED[1]) in run_build("--help").stdout.replace("\n", "").replace(" ", "")



