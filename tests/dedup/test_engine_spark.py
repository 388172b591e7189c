"""The model on Spark (local mode) gives the embedded run's pairs, levels and probabilities."""

import os
import shutil

import numpy as np
import pytest
from django.conf import settings as django_settings

from atensi.dedup.engine import Settings, deduplicate
from bench.dedup.generate import generate, write_csv
from tests.dedup.test_engine import dataset

# Spark never touches atensi's database, so `make test` runs these once, in its SQLite pass.
pytestmark = pytest.mark.skipif(
    django_settings.DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3",
    reason="Spark does not use the database: these run in the SQLite pass only",
)


@pytest.fixture(scope="session")
def spark():
    """One JVM for every Spark test of the session (starting one costs seconds)."""
    if shutil.which("java") is None:
        why = "Spark needs Java 17 (Debian: default-jre-headless)"
        if os.environ.get("ATENSI_REQUIRE_SPARK") == "1":
            pytest.fail(f"{why}; ATENSI_REQUIRE_SPARK=1 forbids skipping")
        pytest.skip(why)
    from atensi.dedup.engine.spark import session

    spark = session("local[2]", "atensi-tests", partitions=2)
    yield spark
    spark.stop()


@pytest.fixture(scope="module")
def both_runs(population, spark):
    from atensi.dedup.engine.spark import deduplicate_spark

    settings = Settings(u_pairs=60_000, seed=11)
    embedded = deduplicate(dataset(population), settings)
    distributed = deduplicate_spark(dataset(population), settings, spark=spark)
    return embedded, distributed


def test_spark_finds_the_same_candidate_pairs_with_the_same_rules(both_runs):
    embedded, distributed = both_runs
    assert len(embedded.pairs.i) > 1000
    np.testing.assert_array_equal(distributed.pairs.i, embedded.pairs.i)
    np.testing.assert_array_equal(distributed.pairs.j, embedded.pairs.j)
    np.testing.assert_array_equal(distributed.pairs.rules, embedded.pairs.rules)
    assert [c.max_block for c in distributed.pairs.counts] == [
        c.max_block for c in embedded.pairs.counts
    ]


def test_spark_computes_the_same_levels_and_trains_the_same_model(both_runs):
    embedded, distributed = both_runs
    np.testing.assert_array_equal(distributed.gamma, embedded.gamma)
    for ours, theirs in zip(distributed.model.u, embedded.model.u, strict=True):
        np.testing.assert_array_equal(ours, theirs)
    for ours, theirs in zip(distributed.model.m, embedded.model.m, strict=True):
        np.testing.assert_allclose(ours, theirs, rtol=1e-9, atol=1e-12)
    assert distributed.model.lam == pytest.approx(embedded.model.lam, rel=1e-9)


def test_spark_gives_the_same_probabilities_and_cut_off(both_runs):
    embedded, distributed = both_runs
    np.testing.assert_allclose(distributed.probability, embedded.probability, rtol=1e-9, atol=1e-12)
    assert distributed.threshold == pytest.approx(embedded.threshold, rel=1e-9)
    np.testing.assert_array_equal(distributed.above(), embedded.above())
    row = int(embedded.above()[0])
    assert distributed.explain(row) == embedded.explain(row)


def test_the_file_command_runs_on_spark_and_writes_the_embedded_pairs(spark, tmp_path):
    from tests.dedup.test_filemode import read_pairs, run

    path = tmp_path / "people.csv"
    write_csv(generate(150, seed=5), path)
    embedded, distributed = tmp_path / "embedded.csv", tmp_path / "spark.csv"
    run(path, embedded)
    run(path, distributed, "--engine", "spark")
    rows = read_pairs(distributed)
    assert rows[0] == ["id_a", "id_b", "probability"]
    assert len(rows) > 20
    assert rows == read_pairs(embedded)
