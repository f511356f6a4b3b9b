"""The displacement engine (Flee 3.1's rules over struct-of-arrays, compiled with numba).

``OMP_WAIT_POLICY=PASSIVE`` unless the user set it: numba's default threading layer is
OpenMP, whose idle threads spin after each parallel region. On a machine whose other cores
are busy that spinning takes time from the thread doing the work: mali with one core taken,
2 threads were 7-17 % slower than 1 with the default policy and within 1 % of it with the
passive one (``benchmarks/threads.py``). It must be set before the OpenMP library loads,
i.e. before the first parallel call, hence here.
"""

import os

os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
