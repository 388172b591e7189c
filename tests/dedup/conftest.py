import pytest

from bench.dedup.generate import generate


@pytest.fixture(scope="session")
def population():
    """Returns about 3,400 generated records of 2,000 people (seeded)."""
    return generate(2000, seed=7)
