"""Data the extension keeps in Sphinx's build environment, each under an attribute of its own.

The environment is pickled between builds, so a value stored on it outlives the build that
made it; the modules that keep such data also purge and merge it (``env-purge-doc``,
``env-merge-info``) so incremental and parallel builds stay exact.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeVar

if TYPE_CHECKING:
    from collections.abc import Callable

    from sphinx.environment import BuildEnvironment

T = TypeVar("T")


def env_data(env: BuildEnvironment, attribute: str, factory: Callable[[], T]) -> T:
    """``env.<attribute>``, made by ``factory()`` the first time it is asked for."""
    value = getattr(env, attribute, None)
    if value is None:
        value = factory()
        setattr(env, attribute, value)
    return value
