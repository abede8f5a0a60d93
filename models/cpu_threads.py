"""One torch thread per computation: the app serves a whole class from one process on two cores.

With torch's default of one intra-op thread per core, two sessions computing at
once put four busy threads on two cores, and each operation waits for its
slowest thread: steps measured 15 to 50 times slower here while another job
ran. With one thread each, two sessions use the two cores without stalling
each other; a lone session loses at most the second core.
"""

import torch

APP_THREADS = 1


def share_cores() -> None:
    """Call before serving a model's computation (cheap; safe to call again)."""
    if torch.get_num_threads() != APP_THREADS:
        torch.set_num_threads(APP_THREADS)
