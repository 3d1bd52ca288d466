"""The public API: every name in `audiobook.__all__` is there, and the stage list names real packages."""

from __future__ import annotations

import importlib

import pytest

import audiobook


@pytest.mark.parametrize("name", audiobook.__all__)
def test_every_public_name_resolves(name: str) -> None:
    assert getattr(audiobook, name) is not None


def test_unknown_names_are_an_attribute_error() -> None:
    with pytest.raises(AttributeError, match="has no attribute 'nothing'"):
        audiobook.nothing  # noqa: B018


def test_stages_are_in_order_and_name_real_packages() -> None:
    names = [stage.name for stage in audiobook.STAGES]
    assert names[0] == "read" and names[-1] == "package"
    for stage in audiobook.STAGES:
        importlib.import_module(stage.package)
