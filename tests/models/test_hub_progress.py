"""Download progress reaches the page: the byte bars the hub creates report through our callback."""

import logging

from huggingface_hub.utils.tqdm import _create_progress_bar

from models.hub import _reporting_tqdm


def test_byte_progress_is_reported_even_without_a_terminal():
    seen = []
    bar_class = _reporting_tqdm(lambda done, total: seen.append((done, total)))
    # As snapshot_download makes its "Downloading bytes" bar (no TTY here, as on a server).
    bar = _create_progress_bar(cls=bar_class, log_level=logging.INFO, name="huggingface_hub.snapshot_download",
                               desc="Downloading bytes", total=0, initial=0, unit="B", unit_scale=True)
    bar.total = 1_000
    bar.update(400)
    bar.update(600)
    assert seen == [(400, 1_000), (1_000, 1_000)]


def test_file_count_bars_are_not_reported_as_bytes():
    seen = []
    bar = _reporting_tqdm(lambda done, total: seen.append(done))(total=3, unit="it")
    bar.update(1)
    assert seen == []
