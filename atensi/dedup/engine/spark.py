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

Limit: the broadcast Dataset costs each executor about 100 bytes per record plus the distinct
strings (a million records: about 100 MB), so a registry of a few tens of millions fits ordinary
executors; beyond that the records' columns would have to be joined to the pairs instead.
"""

import os
import sys
from collections.abc import Iterator

import numpy as np
import pyarrow as pa

from atensi.dedup.engine.blocking import (
    CandidatePairs,
    RuleCount,
    block_keys,
    capped,
    default_rules,
)
from atensi.dedup.engine.comparisons import comparisons_for
from atensi.dedup.engine.dataset import Dataset
from atensi.dedup.engine.model import (
    decode_patterns,
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


def session(
    master: str | None = None, app_name: str = "atensi-dedup", partitions: int | None = None
):
    """Returns a Spark session: ATENSI_SPARK_MASTER (default local[2]) unless master is given.

    partitions: how many partitions a shuffle makes (ATENSI_SPARK_PARTITIONS, default 8).

    The Python workers run this interpreter, so they import the same atensi code and libraries.
    """
    from pyspark.sql import SparkSession

    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    os.environ.setdefault("PYSPARK_DRIVER_PYTHON", sys.executable)
    return (
        SparkSession.builder.master(master or os.environ.get("ATENSI_SPARK_MASTER", "local[2]"))
        .appName(app_name)
        .config("spark.ui.enabled", "false")
        .config(
            "spark.sql.shuffle.partitions",
            str(partitions or os.environ.get("ATENSI_SPARK_PARTITIONS", "8")),
        )
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
    """Returns the frame of candidate pairs (i < j, rules bitmask) and each rule's count.

    All rules' keys go in one frame (rule, key, rid), so the block sizes of every rule are
    counted in one job and the pairs of every rule come from one self-join.
    """
    from pyspark.sql import functions as F

    budget = max(int(ds.n * settings.pairs_per_record), 1000)
    parts = {"rule": [], "key": [], "rid": []}
    for position, rule in enumerate(rules):
        rows, key = block_keys(ds, rule)
        parts["rule"].append(np.full(len(rows), position, dtype=np.int32))
        parts["key"].append(key)
        parts["rid"].append(rows.astype(np.int32))
    keys = _frame(spark, {k: np.concatenate(v) for k, v in parts.items()}, partitions)
    blocks = keys.groupBy("rule", "key").count().where("count > 1").persist()
    sizes = blocks.groupBy("rule", "count").agg(F.count("*").alias("blocks")).toArrow()
    rule_of = sizes.column("rule").to_numpy()
    counts: list[RuleCount] = []
    for position, rule in enumerate(rules):
        mine = rule_of == position
        counts.append(
            capped(
                rule,
                sizes.column("count").to_numpy()[mine],
                sizes.column("blocks").to_numpy()[mine],
                budget,
                settings.max_block,
            )
        )
    limits = spark.createDataFrame(
        pa.table(
            {
                "rule": pa.array([p for p, c in enumerate(counts) if c.pairs], pa.int32()),
                "limit": pa.array([c.max_block for c in counts if c.pairs], pa.int64()),
            }
        )
    )
    kept = blocks.join(F.broadcast(limits), "rule").where("count <= limit").select("rule", "key")
    members = keys.join(kept, ["rule", "key"])
    a, b = members.alias("a"), members.alias("b")
    pairs = (
        a.join(
            b,
            (F.col("a.rule") == F.col("b.rule"))
            & (F.col("a.key") == F.col("b.key"))
            & (F.col("a.rid") < F.col("b.rid")),
        )
        .select(
            F.col("a.rid").alias("i"),
            F.col("b.rid").alias("j"),
            F.expr("shiftleft(CAST(1 AS BIGINT), a.rule)").alias("rules"),
        )
        .groupBy("i", "j")
        .agg(F.bit_or("rules").alias("rules"))
    )
    return (pairs if any(c.pairs for c in counts) else None), counts, blocks


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
        pairs_frame, counts, blocks = _blocked_pairs(spark, ds, rules, settings, partitions)
        watch.stage("blocking")
        k_count = len(comparisons)
        if pairs_frame is None:
            collected = None
        else:
            scored = _with_levels(pairs_frame, ds_broadcast, comparisons).persist()
            scored.count()  # compare now, so that the stage's time is its own
            collected = scored
        watch.stage("comparing")

        i, j = random_pairs(ds.n, settings.u_pairs, settings.seed)
        random_frame = _frame(
            spark, {"i": i, "j": j, "rules": np.zeros(len(i), np.int64)}, partitions
        )
        tallies = _level_tallies(random_frame, ds_broadcast, comparisons)
        u = u_from_tallies(comparisons, tallies)
        watch.stage("u from random pairs")

        found = _rule_patterns(collected, counts, comparisons) if collected is not None else {}
        trainings: list[RuleTraining | None] = []
        for position, count in enumerate(counts):
            used = trained_comparisons(comparisons, count.rule)
            if position not in found or not used:
                trainings.append(None)
                continue
            codes, pattern_counts = found[position]
            distinct = decode_patterns(codes, len(used))
            trainings.append(train_rule(comparisons, count, used, distinct, pattern_counts, u))
        done = [t for t in trainings if t is not None]
        m = combine_m(comparisons, done)
        expected = _posterior_sum(collected, trainings, len(rules), k_count)
        model = finish_model(ds, comparisons, m, u, expected, [t.summary for t in done])
        watch.stage("m by EM")

        pairs, gamma, weight = _scored(collected, model, ds_broadcast, counts, k_count)
        if collected is not None:
            scored.unpersist()
        blocks.unpersist()
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


def _level_tallies(frame, ds_broadcast, comparisons) -> list[np.ndarray]:
    """Returns how many pairs of the frame reach each level, per comparison (one job)."""

    def tally(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        ds = ds_broadcast.value
        for batch in batches:
            i = batch.column("i").to_numpy().astype(np.int32)
            j = batch.column("j").to_numpy().astype(np.int32)
            gamma = gamma_matrix(comparisons, ds, i, j)
            ks, levels, numbers = [], [], []
            for k, c in enumerate(comparisons):
                found = np.bincount(gamma[:, k], minlength=c.n_levels)
                ks += [k] * len(found)
                levels += list(range(len(found)))
                numbers += found.tolist()
            yield pa.RecordBatch.from_arrays(
                [pa.array(ks, pa.int32()), pa.array(levels, pa.int32()), pa.array(numbers)],
                names=["k", "level", "n"],
            )

    rows = frame.mapInArrow(tally, "k int, level int, n long").toArrow()
    tallies = [np.zeros(c.n_levels) for c in comparisons]
    for k, level, n in zip(
        rows.column("k").to_pylist(),
        rows.column("level").to_pylist(),
        rows.column("n").to_pylist(),
        strict=True,
    ):
        tallies[k][level] += n
    return tallies


def _rule_patterns(collected, counts, comparisons) -> dict[int, tuple[np.ndarray, np.ndarray]]:
    """Returns, per rule, its pairs' distinct pattern codes (sorted) and their counts (one job)."""
    from pyspark.sql import functions as F

    used = [trained_comparisons(comparisons, c.rule) for c in counts]
    k_count = len(comparisons)

    def patterns_of(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        for batch in batches:
            gamma = np.column_stack(
                [batch.column(f"g{k}").to_numpy().astype(np.int8) for k in range(k_count)]
            ).reshape(batch.num_rows, k_count)
            masks = batch.column("rules").to_numpy().astype(np.int64)
            for position, columns in enumerate(used):
                rows = np.flatnonzero((masks >> position) & 1)
                if not len(rows) or not columns:
                    continue
                codes, numbers = np.unique(
                    pattern_codes(gamma[np.ix_(rows, columns)]), return_counts=True
                )
                yield pa.RecordBatch.from_arrays(
                    [
                        pa.array(np.full(len(codes), position, np.int32)),
                        pa.array(codes),
                        pa.array(numbers),
                    ],
                    names=["rule", "code", "n"],
                )

    table = (
        collected.mapInArrow(patterns_of, "rule int, code long, n long")
        .groupBy("rule", "code")
        .agg(F.sum("n").alias("n"))
        .toArrow()
    )
    rule = table.column("rule").to_numpy()
    code = table.column("code").to_numpy()
    number = table.column("n").to_numpy()
    found = {}
    for position in np.unique(rule):
        mine = rule == position
        order = np.argsort(code[mine])
        found[int(position)] = (code[mine][order], number[mine][order].astype(np.int64))
    return found


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
