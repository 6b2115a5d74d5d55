"""The collector is paused only inside ``collector.paused()`` and left as it was found."""

from __future__ import annotations

import gc

import pytest

from papervault import collector


@pytest.mark.parametrize("enabled", [True, False])
def test_paused_restores_the_callers_setting(enabled: bool) -> None:
    was = gc.isenabled()
    (gc.enable if enabled else gc.disable)()
    try:
        with collector.paused():
            assert not gc.isenabled()
        assert gc.isenabled() is enabled
        with pytest.raises(KeyError), collector.paused():
            raise KeyError("boom")
        assert gc.isenabled() is enabled
    finally:
        (gc.enable if was else gc.disable)()


def test_paused_leaves_nothing_frozen() -> None:
    with collector.paused():
        made = [[i] for i in range(1000)]
    assert gc.get_freeze_count() == 0 and len(made) == 1000
