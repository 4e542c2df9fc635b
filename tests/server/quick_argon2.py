"""Argon2 with the smallest cost, for the server tests only.

Django's Argon2 defaults (100 MiB, 2 passes, 8 lanes) cost about 0.3 s per hash on a quiet 2-core
machine and over a second with four test processes running: the fixtures hash a dozen passwords
per test. The algorithm, the encoding and every code path stay those of production; only the cost
parameters, which each hash records for itself, are smaller.
"""

from __future__ import annotations

from django.contrib.auth.hashers import Argon2PasswordHasher


class QuickArgon2PasswordHasher(Argon2PasswordHasher):
    time_cost = 1
    memory_cost = 64  # KiB: the least argon2-cffi accepts for one lane is 8
    parallelism = 1
