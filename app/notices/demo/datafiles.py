"""Read the demo's data files (TOML shipped beside the code), once each."""

import tomllib
from functools import cache
from importlib import resources


def _frozen(value):
    # Tuples, so that data shared by every caller cannot be changed by one of them.
    if isinstance(value, list):
        return tuple(_frozen(item) for item in value)
    if isinstance(value, dict):
        return {key: _frozen(item) for key, item in value.items()}
    return value


@cache
def load_data(package, name):
    """Return the parsed `data/<name>` file of `package` (lists as tuples)."""
    with resources.files(package).joinpath("data", name).open("rb") as file:
        return _frozen(tomllib.load(file))
