"""The same model on Apache Spark, for registries larger than one machine handles comfortably.

Why Spark: ministries that run a national data platform run Spark (on Hadoop/YARN, Kubernetes
or a managed service); it is an Apache project with a long-term release line, Java 17 support,
and the engine Splink itself uses for national-scale linkage. Dask is lighter, but rarer in
government data centres. Here it runs in local mode (`local[2]`: the driver and two executor
threads in one JVM on this machine); on a cluster only the master URL changes.

What runs where. Normalisation and coding stay the embedded build_dataset (once per distinct
value, so even a national registry's names and places fit the driver), and the Dataset's coded
columns are broadcast to the executors. The work that grows with the pairs runs on Spark:
- blocking: every rule's block sizes are counted with a group-by, the same cap as the embedded
  path leaves the largest blocks out (blocking.capped), and the pairs come from a self-join;
  the rules' pairs are unioned with a bitmask of the rules that made each pair;
- comparing: each Arrow batch of pairs gets its levels from the embedded comparison functions
  (gamma_matrix) inside mapInArrow, so every level is computed by one piece of code;
- u: the same random pairs (same seed) compared on the executors, their levels tallied there;
- m: each rule's distinct level patterns and their counts are grouped on Spark; EM then runs on
  those few hundred patterns on the driver (pipeline.train_rule, as the embedded path does);
- λ and scoring: each pair's posterior and match weight (with the term-frequency adjustment) are
  computed on the executors with the trained model, which is small and shipped to them.
The scored pairs come back to the driver as a LinkResult, identical to the embedded one (the
test in tests/dedup/test_engine_spark.py compares pairs, levels and probabilities).
"""

import os
import sys
from collections.abc import Iterator

import numpy as np
import pyarrow as pa

from atensi.dedup.engine.blocking import (
    CandidatePairs,
    RuleCount,
    capped,
    default_rules,
    key_columns,
)
from atensi.dedup.engine.comparisons import comparisons_for
from atensi.dedup.engine.dataset import Dataset
from atensi.dedup.engine.model import (
    expected_f1_threshold,
    gamma_matrix,
    pattern_codes,
    probability,
    random_pairs,
)
from atensi.dedup.engine.pipeline import (
    STAGES,
    LinkResult,
    Progress,
    RuleTraining,
    Settings,
    Stopwatch,
    combine_m,
    finish_model,
    pair_posterior,
    train_rule,
    trained_comparisons,
    u_from_tallies,
)


def session(master: str | None = None, app_name: str = "atensi-dedup"):
    """Returns a Spark session: ATENSI_SPARK_MASTER (default local[2]) unless master is given.

    The Python workers run this interpreter, so they import the same atensi code and libraries.
    """
    from pyspark.sql import SparkSession

    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    os.environ.setdefault("PYSPARK_DRIVER_PYTHON", sys.executable)
    return (
        SparkSession.builder.master(master or os.environ.get("ATENSI_SPARK_MASTER", "local[2]"))
        .appName(app_name)
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", os.environ.get("ATENSI_SPARK_PARTITIONS", "8"))
        .config("spark.sql.execution.arrow.pyspark.enabled", "true")
        .config("spark.driver.memory", os.environ.get("ATENSI_SPARK_DRIVER_MEMORY", "2g"))
        .config("spark.sql.adaptive.enabled", "true")
        .getOrCreate()
    )


def _frame(spark, columns: dict[str, np.ndarray], partitions: int):
    table = pa.table({name: pa.array(values) for name, values in columns.items()})
    frame = spark.createDataFrame(table)
    return frame.repartition(partitions) if partitions > 1 else frame


def _gamma_schema(comparisons) -> str:
    return ", ".join(
        ["i int", "j int", "rules long"] + [f"g{k} tinyint" for k in range(len(comparisons))]
    )


def _with_levels(frame, ds_broadcast, comparisons):
    """Adds the comparison levels g0..gK to a frame of pairs (i, j, rules)."""

    def compute(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        ds = ds_broadcast.value
        for batch in batches:
            i = batch.column("i").to_numpy().astype(np.int32)
            j = batch.column("j").to_numpy().astype(np.int32)
            gamma = gamma_matrix(comparisons, ds, i, j)
            arrays = [pa.array(i), pa.array(j), batch.column("rules")]
            arrays += [pa.array(gamma[:, k]) for k in range(gamma.shape[1])]
            names = ["i", "j", "rules"] + [f"g{k}" for k in range(gamma.shape[1])]
            yield pa.RecordBatch.from_arrays(arrays, names=names)

    return frame.mapInArrow(compute, _gamma_schema(comparisons))


def _blocked_pairs(spark, ds: Dataset, rules, settings: Settings, partitions: int):
    """Returns the frame of candidate pairs (i < j, rules bitmask) and each rule's count."""
    from pyspark.sql import functions as F

    budget = max(int(ds.n * settings.pairs_per_record), 1000)
    counts: list[RuleCount] = []
    pieces = []
    for position, rule in enumerate(rules):
        keys = _frame(spark, key_columns(ds, rule), partitions)
        names = [f"k{p}" for p in range(len(rule.columns))]
        sizes = (
            keys.groupBy(*names)
            .count()
            .where("count > 1")
            .groupBy("count")
            .agg(F.count("*").alias("blocks"))
            .toArrow()
        )
        count = capped(
            rule,
            sizes.column("count").to_numpy(),
            sizes.column("blocks").to_numpy(),
            budget,
            settings.max_block,
        )
        counts.append(count)
        if not count.pairs:
            continue
        kept = (
            keys.groupBy(*names)
            .count()
            .where(f"count BETWEEN 2 AND {int(count.max_block)}")
            .select(*names)
        )
        members = keys.join(kept, names)
        a, b = members.alias("a"), members.alias("b")
        on = [F.col(f"a.{k}") == F.col(f"b.{k}") for k in names] + [F.col("a.rid") < F.col("b.rid")]
        pieces.append(
            a.join(b, on).select(
                F.col("a.rid").alias("i"),
                F.col("b.rid").alias("j"),
                F.lit(1 << position).cast("long").alias("rules"),
            )
        )
    if not pieces:
        return None, counts
    union = pieces[0]
    for piece in pieces[1:]:
        union = union.unionByName(piece)
    return union.groupBy("i", "j").agg(F.bit_or("rules").alias("rules")), counts


def _bits(masks: np.ndarray, rules: int) -> np.ndarray:
    return np.array([(masks >> position) & 1 for position in range(rules)], dtype=bool).reshape(
        rules, len(masks)
    )


def deduplicate_spark(
    ds: Dataset,
    settings: Settings | None = None,
    progress: Progress | None = None,
    spark=None,
) -> LinkResult:
    """Returns the same LinkResult as pipeline.deduplicate, computed on Spark."""
    from pyspark.sql import functions as F

    settings = settings or Settings()
    spark = spark or session()
    partitions = spark.sparkContext.defaultParallelism
    watch = Stopwatch(progress)
    comparisons = comparisons_for(ds)
    rules = settings.rules if settings.rules is not None else default_rules(ds)
    if len(rules) > 62:
        raise ValueError("at most 62 blocking rules (one bit each)")
    ds_broadcast = spark.sparkContext.broadcast(ds)
    try:
        pairs_frame, counts = _blocked_pairs(spark, ds, rules, settings, partitions)
        watch.stage("blocking")
        k_count = len(comparisons)
        if pairs_frame is None:
            collected = None
        else:
            scored = _with_levels(pairs_frame, ds_broadcast, comparisons).persist()
            collected = scored.select("i", "j", "rules", *[f"g{k}" for k in range(k_count)])
        watch.stage("comparing")

        i, j = random_pairs(ds.n, settings.u_pairs, settings.seed)
        random_frame = _frame(
            spark, {"i": i, "j": j, "rules": np.zeros(len(i), np.int64)}, partitions
        )
        levels = _with_levels(random_frame, ds_broadcast, comparisons)
        tallies = [np.zeros(c.n_levels) for c in comparisons]
        for k in range(k_count):
            rows = levels.groupBy(f"g{k}").count().toArrow()
            np.add.at(
                tallies[k],
                rows.column(f"g{k}").to_numpy().astype(np.int64),
                rows.column("count").to_numpy().astype(np.float64),
            )
        u = u_from_tallies(comparisons, tallies)
        watch.stage("u from random pairs")

        trainings: list[RuleTraining | None] = []
        for position, count in enumerate(counts):
            used = trained_comparisons(comparisons, count.rule)
            if collected is None or not count.pairs or not used:
                trainings.append(None)
                continue
            columns = [f"g{k}" for k in used]
            grouped = (
                collected.where((F.col("rules").bitwiseAND(F.lit(1 << position))) != 0)
                .groupBy(*columns)
                .count()
                .toArrow()
            )
            if grouped.num_rows == 0:
                trainings.append(None)
                continue
            distinct = np.column_stack(
                [grouped.column(c).to_numpy().astype(np.int8) for c in columns]
            )
            pattern_counts = grouped.column("count").to_numpy().astype(np.int64)
            order = np.argsort(pattern_codes(distinct), kind="stable")
            trainings.append(
                train_rule(comparisons, count, used, distinct[order], pattern_counts[order], u)
            )
        done = [t for t in trainings if t is not None]
        m = combine_m(comparisons, done)
        expected = _posterior_sum(collected, trainings, len(rules), k_count)
        model = finish_model(ds, comparisons, m, u, expected, [t.summary for t in done])
        watch.stage("m by EM")

        pairs, gamma, weight = _scored(collected, model, ds_broadcast, counts, k_count)
        if collected is not None:
            scored.unpersist()
        p = probability(weight)
        threshold = expected_f1_threshold(p)
        watch.stage("scoring")
    finally:
        ds_broadcast.unpersist()
    return LinkResult(
        dataset=ds,
        model=model,
        pairs=pairs,
        gamma=gamma,
        match_weight=weight,
        probability=p,
        threshold=threshold,
        timings=watch.timings,
    )


def _posterior_sum(collected, trainings, rules: int, k_count: int) -> float:
    """Returns the sum over candidate pairs of the match posterior (computed on the executors)."""
    if collected is None:
        return 0.0
    from pyspark.sql import functions as F

    def posterior(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        for batch in batches:
            gamma = np.column_stack(
                [batch.column(f"g{k}").to_numpy().astype(np.int8) for k in range(k_count)]
            )
            masks = batch.column("rules").to_numpy().astype(np.int64)
            value = pair_posterior(gamma, _bits(masks, rules), trainings)
            yield pa.RecordBatch.from_arrays([pa.array(value)], names=["posterior"])

    row = collected.mapInArrow(posterior, "posterior double").agg(F.sum("posterior")).first()
    return float(row[0] or 0.0)


def _scored(collected, model, ds_broadcast, counts, k_count: int):
    """Returns the candidate pairs (ordered as the embedded path orders them), levels, weights."""
    rules = len(counts)
    if collected is None:
        empty = np.zeros(0, np.int32)
        return (
            CandidatePairs(empty, empty, np.zeros((rules, 0), bool), counts),
            np.zeros((0, k_count), np.int8),
            np.zeros(0),
        )

    def score(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        ds = ds_broadcast.value
        for batch in batches:
            i = batch.column("i").to_numpy().astype(np.int32)
            j = batch.column("j").to_numpy().astype(np.int32)
            gamma = np.column_stack(
                [batch.column(f"g{k}").to_numpy().astype(np.int8) for k in range(k_count)]
            )
            weight = model.score(ds, gamma, i, j)
            yield pa.RecordBatch.from_arrays(
                [*batch.columns, pa.array(weight)], names=[*batch.schema.names, "weight"]
            )

    schema = _gamma_schema(model.comparisons) + ", weight double"
    table = collected.mapInArrow(score, schema).toArrow()
    i = table.column("i").to_numpy().astype(np.int32)
    j = table.column("j").to_numpy().astype(np.int32)
    order = np.lexsort((j, i))
    gamma = np.column_stack(
        [table.column(f"g{k}").to_numpy().astype(np.int8) for k in range(k_count)]
    ).reshape(len(i), k_count)[order]
    masks = table.column("rules").to_numpy().astype(np.int64)[order]
    weight = table.column("weight").to_numpy()[order]
    pairs = CandidatePairs(i[order], j[order], _bits(masks, rules), counts)
    return pairs, gamma, weight


__all__ = ["STAGES", "deduplicate_spark", "session"]
