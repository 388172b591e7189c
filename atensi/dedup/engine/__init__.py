"""The matching engine: plain Python with numpy, pyarrow and rapidfuzz, no Django.

ds = build_dataset(ids, {"name": names, "birth_date": dates, "nik": niks})
result = deduplicate(ds)
for row in result.above():          # pairs at or above the model's own cut-off
    result.explain(row)             # each field's level and weight
labels = result.clusters()          # one label per record
"""

from atensi.dedup.engine.dataset import ROLES, Dataset, build_dataset
from atensi.dedup.engine.pipeline import STAGES, LinkResult, Settings, deduplicate, score_pairs

__all__ = [
    "ROLES",
    "STAGES",
    "Dataset",
    "LinkResult",
    "Settings",
    "build_dataset",
    "deduplicate",
    "score_pairs",
]
