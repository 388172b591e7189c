"""Demo data: a believable national data set for trying atensi out and for the benchmarks.

Plain package (not a Django app): `names` builds Indonesian personal names, `generator` turns a
seed and a person's number into that person's record, and `build` writes users and persons.
"""
